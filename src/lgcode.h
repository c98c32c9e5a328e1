/*
 * lgcode.h - Japanese local public body codes (地方公共団体コード, JIS X 0402):
 * 2 digits of prefecture, 3 of municipality, 1 check digit.
 *   s = 6*d1 + 5*d2 + 4*d3 + 3*d4 + 2*d5;  check = (11 - s mod 11) mod 10
 */
#ifndef LGOTP_LGCODE_H
#define LGOTP_LGCODE_H

#include <stdbool.h>

/* The check digit (0-9) of the five digits at CODE5, or -1 if they are not digits. */
int lgcode_check_digit(const char *code5);
/* True when CODE is exactly 6 ASCII digits with a valid check digit and a
 * prefecture part from 01 to 47. */
bool lgcode_valid(const char *code);
/*
 * The kind of body: "pref" (municipal part 000), "ward" (Tokyo's special
 * wards, 13101-13199), "desig" (designated city: municipal part 100-199
 * outside Tokyo), otherwise by the name's last character: 市 "city",
 * 区 "ward", 町 "town", 村 "village".  NAME may be NULL or "" (then a
 * municipality that is not designated gives "city" for 201-299 and NULL
 * otherwise).  Returns a static string, or NULL when it cannot tell.
 */
const char *lgcode_kind(const char *code, const char *name);

#endif
