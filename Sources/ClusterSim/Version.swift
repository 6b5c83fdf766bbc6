/// The clustertop version, recorded in reports and recordings.
public enum ClusterSimVersion {
    public static let string = "0.1.0"
}
