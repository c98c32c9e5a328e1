/*
 * text.h - UTF-8 text as the terminal and the operator see it.
 *
 * Widths are terminal columns (wcwidth under a UTF-8 locale: a kanji is 2,
 * ASCII and half-width kana 1).  Every function takes and returns UTF-8;
 * returned strings are malloc'd and owned by the caller.
 */
#ifndef LGOTP_TEXT_H
#define LGOTP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The character at S (N bytes): its length (1-4), with its code point in
 * *UC; -1 when S does not start a well-formed sequence (an overlong, a
 * surrogate, past U+10FFFF, a bad or missing continuation byte) or N is 0.
 */
int text_decode(const char *s, size_t n, uint32_t *uc);
/* The length of the longest well-formed UTF-8 prefix of S[0..n). */
size_t text_valid_prefix(const char *s, size_t n);
/* True when S[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool text_valid_utf8(const char *s, size_t n);
/* True when S holds a C0/C1 control character or DEL. */
bool text_has_control(const char *s);
/* Columns S takes on a terminal; a non-printable character counts 1. */
int text_width(const char *s);
/* The longest prefix of S that fits in COLS columns, never half a character. */
char *text_clip(const char *s, int cols);
/* S padded with spaces (after clipping) to exactly COLS columns. */
char *text_pad(const char *s, int cols);
/*
 * S with every control character shown as visible text (ESC as "^[",
 * other C0 as ^X, C1 and DEL as \xNN) and invalid UTF-8 bytes as \xNN: safe
 * to send to a terminal.
 */
char *text_printable(const char *s);
/* Full-width ASCII letters, digits and symbols folded to ASCII (０１１００２ → 011002,
 * ＡＢＣ → ABC, full-width space → space); anything else unchanged. */
char *text_fold_ascii(const char *s);
/*
 * S with hyphen-like characters that Japanese input methods produce for "-"
 * (ー U+30FC, － U+FF0D, − U+2212, ‐ ‑ ‒ – — ― U+2010-2015) as ASCII '-':
 * for dates, numbers and phone numbers only, never for names (ルーマニア).
 */
char *text_fold_dashes(const char *s);
/*
 * S as a reading (フリガナ) is stored: half-width katakana to full-width,
 * voiced marks composed (ｻｯﾎﾟﾛ → サッポロ), hiragana to katakana (さっぽろ
 * → サッポロ).  Everything else, invalid bytes included, is left as it is.
 */
char *text_fold_kana(const char *s);
/*
 * The key under which S is searched: NFKC (half-width kana → full-width,
 * full-width ASCII → ASCII), hiragana → katakana, ASCII lower-cased, spaces
 * removed.  So "ｻｯﾎﾟﾛ", "さっぽろ" and "サッポロ" give the same key.
 */
char *text_search_key(const char *s);
/* S with leading/trailing ASCII and full-width (U+3000) spaces removed. */
char *text_trim(const char *s);

#endif
