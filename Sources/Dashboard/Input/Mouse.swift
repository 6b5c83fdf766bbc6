/// A mouse event, in screen cells from the top left (0, 0): a left-button click, or the wheel
/// turned up or down. The backend decodes it (ncurses `getmouse`); the reducer hit-tests it.
public enum MouseEvent: Sendable, Hashable {
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)

    public var x: Int {
        switch self {
        case .click(let x, _), .wheelUp(let x, _), .wheelDown(let x, _): x
        }
    }

    public var y: Int {
        switch self {
        case .click(_, let y), .wheelUp(_, let y), .wheelDown(_, let y): y
        }
    }
}
