/*
 * text.c - UTF-8 text as the terminal and the operator see it.
 *
 * Decoding refuses overlongs, surrogates and code points past U+10FFFF
 * (Unicode's table 3-7, as libunistring's u8_mbtoucr and u8_check do); a
 * byte it refuses is treated as one invalid "character" one column wide,
 * so every function here copes with bad input (a CSV cell, a paste)
 * instead of assuming it was checked.
 *
 * NFKC comes from libunistring, opened when first needed (text_nfkc): it
 * is the largest library lgotp uses (1,200 relocations, a dozen pages
 * faulted in before main), and a start-up draws a screen without it.  The
 * rest of what this file did with it (decoding, encoding, checking) is the
 * few lines below.
 */
#include "text.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <uninorm.h>

#include "util.h"

/* The library NFKC comes from; the Makefile gives the soname it links against. */
#ifndef UNISTRING_SONAME
#define UNISTRING_SONAME "libunistring.so.2"
#endif

typedef uint32_t ucs4_t;

/* Marks a byte that does not start a well-formed UTF-8 sequence. */
#define BAD_BYTE ((ucs4_t)0xFFFFFFFF)

/*
 * The length of the sequence lead byte C starts (2-4), with the range its
 * second byte must fall in (Unicode's table 3-7: no overlongs, no
 * surrogates, nothing past U+10FFFF); 0 for a byte that starts none.
 */
static inline size_t
seq_len(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF) {
		if (c == 0xE0)
			*lo = 0xA0;
		else if (c == 0xED)
			*hi = 0x9F;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (c == 0xF0)
			*lo = 0x90;
		else if (c == 0xF4)
			*hi = 0x8F;
		return 4;
	}
	return 0;
}

/* Whether the N bytes at S (N >= 1, S[0] >= 0x80) start a well-formed
 * sequence: its length, or 0. */
static inline size_t
seq_valid(const unsigned char *s, size_t n)
{
	unsigned char lo, hi;
	size_t len = seq_len(s[0], &lo, &hi);
	if (len == 0 || n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

int
text_decode(const char *str, size_t n, uint32_t *uc)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0)
		return -1;
	if (s[0] < 0x80) {
		*uc = s[0];
		return 1;
	}
	size_t len = seq_valid(s, n);
	if (len == 0)
		return -1;
	ucs4_t v = s[0] & (0xFF >> (len + 1));
	for (size_t i = 1; i < len; i++)
		v = (v << 6) | (s[i] & 0x3F);
	*uc = v;
	return (int)len;
}

/* Every CSV cell, catalogue string and label passes here: ASCII is taken
 * eight bytes at a time, and a sequence is checked without decoding it. */
size_t
text_valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		uint64_t w;
		if (n - i >= 8 && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ULL) == 0)) {
			i += 8;
			continue;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = seq_valid(s + i, n - i);
		if (len == 0)
			break;
		i += len;
	}
	return i;
}

/* Decodes the character at S (N bytes left); returns its length (>= 1). */
static size_t
next_char(const char *s, size_t n, ucs4_t *uc)
{
	int len = text_decode(s, n, uc);
	if (len <= 0) {
		*uc = BAD_BYTE;
		return 1;
	}
	return (size_t)len;
}

static bool
is_control(ucs4_t uc)
{
	return uc < 0x20 || (uc >= 0x7F && uc <= 0x9F);
}

/* Columns of one decoded character; invalid and non-printable count 1. */
static int
char_width(ucs4_t uc)
{
	if (uc == BAD_BYTE)
		return 1;
	int w = wcwidth((wchar_t)uc);
	return w < 0 ? 1 : w;
}

/* UC as UTF-8 onto SB; nothing for a surrogate or past U+10FFFF. */
static void
add_char(struct strbuf *sb, ucs4_t uc)
{
	char buf[4];
	size_t n;
	if (uc < 0x80) {
		buf[0] = (char)uc;
		n = 1;
	} else if (uc < 0x800) {
		buf[0] = (char)(0xC0 | (uc >> 6));
		buf[1] = (char)(0x80 | (uc & 0x3F));
		n = 2;
	} else if (uc < 0x10000) {
		if (uc >= 0xD800 && uc < 0xE000)
			return;
		buf[0] = (char)(0xE0 | (uc >> 12));
		buf[1] = (char)(0x80 | ((uc >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (uc & 0x3F));
		n = 3;
	} else if (uc < 0x110000) {
		buf[0] = (char)(0xF0 | (uc >> 18));
		buf[1] = (char)(0x80 | ((uc >> 12) & 0x3F));
		buf[2] = (char)(0x80 | ((uc >> 6) & 0x3F));
		buf[3] = (char)(0x80 | (uc & 0x3F));
		n = 4;
	} else
		return;
	sb_add(sb, buf, n);
}

bool
text_valid_utf8(const char *s, size_t n)
{
	return text_valid_prefix(s, n) == n;
}

/*
 * S[0..n) (well-formed UTF-8) in NFKC, malloc'd with its length in *OUTLEN;
 * NULL when libunistring cannot be opened (or is out of memory): the
 * callers then go on unnormalised.  Opened once, on the first call.
 */
static uint8_t *
text_nfkc(const char *s, size_t n, size_t *outlen)
{
	static bool tried;
	static uint8_t *(*normalize)(uninorm_t, const uint8_t *, size_t, uint8_t *, size_t *);
	static uninorm_t nfkc;
	if (!tried) {
		tried = true;
		void *lib = dlopen(UNISTRING_SONAME, RTLD_NOW | RTLD_LOCAL);
		if (lib != NULL) {
			/* POSIX's way from dlsym's void * to a function pointer. */
			*(void **)&normalize = dlsym(lib, "u8_normalize");
			nfkc = dlsym(lib, "uninorm_nfkc");
			if (nfkc == NULL)
				normalize = NULL;
		}
	}
	if (normalize == NULL)
		return NULL;
	return normalize(nfkc, (const uint8_t *)s, n, NULL, outlen);
}

static bool
all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

bool
text_has_control(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		i += next_char(s + i, n - i, &uc);
		if (uc != BAD_BYTE && is_control(uc))
			return true;
	}
	return false;
}

int
text_width(const char *s)
{
	size_t n = strlen(s);
	long cols = 0;
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		i += next_char(s + i, n - i, &uc);
		cols += char_width(uc);
	}
	/* A width is an int in the API; a gigabyte of text does not fit a screen anyway. */
	return cols > 0x7FFFFFFF ? 0x7FFFFFFF : (int)cols;
}

char *
text_clip(const char *s, int cols)
{
	size_t n = strlen(s), i = 0;
	int used = 0;
	while (i < n) {
		ucs4_t uc;
		size_t len = next_char(s + i, n - i, &uc);
		int w = char_width(uc);
		if (used + w > cols)
			break;
		used += w;
		i += len;
	}
	return xstrndup(s, i);
}

char *
text_pad(const char *s, int cols)
{
	char *clipped = text_clip(s, cols);
	int w = text_width(clipped);
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, clipped);
	free(clipped);
	for (; w < cols; w++)
		sb_addc(&sb, ' ');
	return sb_detach(&sb);
}

char *
text_printable(const char *s)
{
	size_t n = strlen(s);
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len = next_char(s + i, n - i, &uc);
		if (uc == BAD_BYTE)
			sb_addf(&sb, "\\x%02X", (unsigned char)s[i]);
		else if (uc < 0x20) {
			/* ^@ .. ^_ as terminals echo them: ESC is ^[. */
			sb_addc(&sb, '^');
			sb_addc(&sb, (char)(uc + 0x40));
		} else if (is_control(uc))
			sb_addf(&sb, "\\x%02X", (unsigned)uc);
		else
			sb_add(&sb, s + i, len);
		i += len;
	}
	return sb_detach(&sb);
}

char *
text_fold_ascii(const char *s)
{
	size_t n = strlen(s);
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len = next_char(s + i, n - i, &uc);
		if (uc >= 0xFF01 && uc <= 0xFF5E)
			sb_addc(&sb, (char)(uc - 0xFEE0));
		else if (uc == 0x3000)
			sb_addc(&sb, ' ');
		else
			sb_add(&sb, s + i, len);
		i += len;
	}
	return sb_detach(&sb);
}

char *
text_fold_dashes(const char *s)
{
	size_t n = strlen(s);
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len = next_char(s + i, n - i, &uc);
		if (uc == 0x30FC || uc == 0xFF0D || uc == 0x2212 ||
		    (uc >= 0x2010 && uc <= 0x2015))
			sb_addc(&sb, '-');
		else
			sb_add(&sb, s + i, len);
		i += len;
	}
	return sb_detach(&sb);
}

static bool
is_halfwidth_kana(ucs4_t uc)
{
	return uc >= 0xFF61 && uc <= 0xFF9F;
}

char *
text_fold_kana(const char *s)
{
	if (s == NULL)
		s = "";
	size_t n = strlen(s);
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len = next_char(s + i, n - i, &uc);
		if (is_halfwidth_kana(uc)) {
			/*
			 * NFKC over the whole run, so that ｶ followed by ﾞ
			 * composes to ガ rather than becoming カ and a lone mark.
			 */
			size_t end = i + len;
			while (end < n) {
				ucs4_t next;
				size_t l = next_char(s + end, n - end, &next);
				if (!is_halfwidth_kana(next))
					break;
				end += l;
			}
			size_t nlen = 0;
			uint8_t *norm = text_nfkc(s + i, end - i, &nlen);
			if (norm != NULL)
				sb_add(&sb, norm, nlen);
			else
				sb_add(&sb, s + i, end - i);
			free(norm);
			i = end;
			continue;
		}
		if ((uc >= 0x3041 && uc <= 0x3096) || uc == 0x309D || uc == 0x309E)
			add_char(&sb, uc + 0x60);
		else
			sb_add(&sb, s + i, len);
		i += len;
	}
	return sb_detach(&sb);
}

/* S with every invalid byte replaced by U+FFFD, so that NFKC accepts it. */
static char *
make_valid(const char *s)
{
	size_t n = strlen(s);
	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len = next_char(s + i, n - i, &uc);
		if (uc == BAD_BYTE)
			add_char(&sb, 0xFFFD);
		else
			sb_add(&sb, s + i, len);
		i += len;
	}
	return sb_detach(&sb);
}

char *
text_search_key(const char *s)
{
	char *valid = make_valid(s);
	size_t nlen = 0;
	/* ASCII is its own NFKC. */
	uint8_t *norm = all_ascii(valid, strlen(valid)) ? NULL : text_nfkc(valid, strlen(valid), &nlen);
	const char *src = valid;
	size_t n = strlen(valid);
	if (norm != NULL) {
		src = (const char *)norm;
		n = nlen;
	}
	/* Otherwise (ASCII, or libunistring missing or out of memory) the key is
	 * just unnormalised. */

	struct strbuf sb = SB_INIT;
	sb_adds(&sb, "");
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		i += next_char(src + i, n - i, &uc);
		if (uc == BAD_BYTE || uc == 0)
			continue;
		if (uc == ' ' || uc == '\t' || uc == '\n' || uc == '\r' ||
		    uc == '\v' || uc == '\f' || uc == 0x3000)
			continue;
		if (uc >= 'A' && uc <= 'Z')
			uc += 'a' - 'A';
		else if ((uc >= 0x3041 && uc <= 0x3096) || uc == 0x309D || uc == 0x309E)
			uc += 0x60;     /* hiragana to katakana, ゝゞ to ヽヾ */
		add_char(&sb, uc);
	}
	free(norm);
	free(valid);
	return sb_detach(&sb);
}

static size_t
space_at(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' ||
	    s[0] == '\r' || s[0] == '\v' || s[0] == '\f'))
		return 1;
	if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

char *
text_trim(const char *s)
{
	size_t n = strlen(s), k;
	while ((k = space_at(s, n)) > 0) {
		s += k;
		n -= k;
	}
	for (;;) {
		if (n >= 1 && space_at(s + n - 1, 1) == 1)
			n--;
		else if (n >= 3 && space_at(s + n - 3, 3) == 3)
			n -= 3;
		else
			break;
	}
	return xstrndup(s, n);
}
