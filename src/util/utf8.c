/* utf8: decoding either way and cutting between characters. */
#include "util/utf8.h"

/* The character at s (n > 0 bytes): its length, the code point in *cp;
 * an invalid byte is one character, UTF8_INVALID + the byte. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF, v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;          /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F;          /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *cp = UTF8_INVALID + c;
        return 1;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        *cp = UTF8_INVALID + c;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF)) {
            *cp = UTF8_INVALID + c;
            return 1;
        }
        v = v << 6 | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* The character that ends at p (p > 0), as dec would have split the text:
 * a valid sequence ending at p starts at a lead byte that dec reaches,
 * because continuation bytes never start one. */
size_t utf8_decode_back(const unsigned char *s, size_t p, unsigned *cp)
{
    for (size_t len = 2; len <= 4 && len <= p && s[p - 1] >= 0x80 && s[p - 1] <= 0xBF; len++)
        if (utf8_decode(s + p - len, len, cp) == len)
            return len;
    return utf8_decode(s + p - 1, 1, cp);
}

size_t utf8_prefix(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    /* A character is at most 4 bytes: back up over at most 3 continuation
     * bytes; more than that is no character to keep whole. */
    size_t i = max;
    while (i > 0 && max - i < 3 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return ((unsigned char)s[i] & 0xC0) == 0x80 ? max : i;
}
