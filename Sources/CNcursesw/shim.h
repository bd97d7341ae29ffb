// Shims for ncurses macros the Swift importer cannot bring in (A_* attributes, wide-character entry points).
#ifndef SWIFTGATE_CNCURSESW_SHIM_H
#define SWIFTGATE_CNCURSESW_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline attr_t CNcursesw_A_BOLD(void) { return A_BOLD; }
static inline attr_t CNcursesw_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t CNcursesw_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t CNcursesw_A_DIM(void) { return A_DIM; }
static inline attr_t CNcursesw_A_NORMAL(void) { return A_NORMAL; }
static inline int CNcursesw_put_wide(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cell;
    wchar_t text[2] = { ch, L'\0' };
    setcchar(&cell, text, attrs, pair, NULL);
    return mvadd_wch(y, x, &cell);
}
/* stdscr is a C global: reached through functions so Swift 6 needs no unsafe global access. */
static inline int CNcursesw_keypad_on(void) { return keypad(stdscr, TRUE); }
static inline int CNcursesw_width(void) { return getmaxx(stdscr); }
static inline int CNcursesw_height(void) { return getmaxy(stdscr); }
static inline void CNcursesw_timeout(int ms) { timeout(ms); }
/* Reads one key or wide character: returns OK (a character in *out), KEY_CODE_YES (a key code) or ERR. */
static inline int CNcursesw_get_wch(wint_t *out) { return get_wch(out); }
static inline int CNcursesw_KEY_CODE_YES(void) { return KEY_CODE_YES; }
static inline attr_t CNcursesw_color_pair(int pair) { return COLOR_PAIR(pair); }
#endif
