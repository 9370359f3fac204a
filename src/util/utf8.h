/* utf8: reading UTF-8 a character at a time, either way, and cutting text
 * only between characters.  Invalid bytes are characters of their own
 * (UTF8_INVALID + the byte), so any text can be walked and nothing is
 * lost or merged. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

#define UTF8_INVALID 0x110000u      /* + byte: an invalid byte, above Unicode */

/* The character at s (n > 0 bytes): its length; its code point in *cp.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);
/* The character that ends at byte p (p > 0), split as utf8_decode splits
 * the text from its start: its length; its code point in *cp. */
size_t utf8_decode_back(const unsigned char *s, size_t p, unsigned *cp);
/* The longest prefix of the n bytes at s that is at most max bytes and
 * does not end inside a character. */
size_t utf8_prefix(const char *s, size_t n, size_t max);

#endif
