// The ncurses (wide-character) API as Swift sees it, plus getters for what Swift cannot import:
// function-like macros (getmaxyx, KEY_F), attribute macros with casts (A_BOLD...), and the C
// globals (stdscr, COLORS...) that Swift 6 rejects as shared mutable state (as
// https://github.com/tdelhaise/swift-ncurses does).
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H

// Must come before the include, or cchar_t, wadd_wch and setcchar vanish.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <curses.h>
#include <term.h>
#else
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#endif

static inline WINDOW *ncw_stdscr(void) { return stdscr; }
static inline int ncw_lines(void) { return LINES; }
static inline int ncw_cols(void) { return COLS; }
static inline int ncw_colors(void) { return COLORS; }
static inline int ncw_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t ncw_a_normal(void) { return A_NORMAL; }
static inline attr_t ncw_a_bold(void) { return A_BOLD; }
static inline attr_t ncw_a_reverse(void) { return A_REVERSE; }
static inline attr_t ncw_a_dim(void) { return A_DIM; }
static inline attr_t ncw_a_underline(void) { return A_UNDERLINE; }

static inline int ncw_key_f(int n) { return KEY_F(n); }
static inline void ncw_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }

// 1 when the terminal TERM names can place the cursor (curses can draw a screen on it), 0 when it
// cannot (TERM=dumb: curses would draw only the last line), -1 when TERM names no known terminal.
// Reads the terminfo entry only; writes nothing to the terminal.
static inline int ncw_terminal_can_address(void) {
    int error = 0;
    if (setupterm(NULL, 1, &error) != OK) return -1;
    const char *cup = tigetstr("cup");
    int can = cup != NULL && cup != (const char *)-1;
    del_curterm(cur_term);
    return can;
}

// True when the current locale's character set is UTF-8 (call after setlocale).
static inline int ncw_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    if (!codeset) return 0;
    return (codeset[0] == 'U' || codeset[0] == 'u') && (codeset[1] == 'T' || codeset[1] == 't') &&
           (codeset[2] == 'F' || codeset[2] == 'f') && codeset[3] == '-' && codeset[4] == '8';
}

// The mouse events the dashboard asks for: left-button presses and clicks, and the wheel
// (buttons 4 and 5 pressed, as xterm and tmux report it).
static inline mmask_t ncw_mouse_events(void) {
    mmask_t mask = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    mask |= BUTTON5_PRESSED;
#endif
    return mask;
}

static inline int ncw_key_mouse(void) { return KEY_MOUSE; }

// Reads the pending mouse event (after KEY_MOUSE): 1 a left click, 2 the wheel up, 3 the wheel
// down, 0 anything else; *x and *y get its cell.
static inline int ncw_mouse_event(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 3;
#endif
    return 0;
}

#endif
