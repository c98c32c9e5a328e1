/*
 * lgcode.c - JIS X 0402 local public body codes.
 */
#include "lgcode.h"

#include <string.h>

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
lgcode_check_digit(const char *code5)
{
	static const int weight[5] = { 6, 5, 4, 3, 2 };
	int s = 0;
	for (int i = 0; i < 5; i++) {
		if (!is_digit(code5[i]))
			return -1;      /* also stops at the NUL of a short string */
		s += weight[i] * (code5[i] - '0');
	}
	/* Remainder 0 gives 11 mod 10 = 1, remainder 1 gives 10 mod 10 = 0. */
	return (11 - s % 11) % 10;
}

bool
lgcode_valid(const char *code)
{
	if (code == NULL || strlen(code) != 6 || !is_digit(code[5]))
		return false;
	int check = lgcode_check_digit(code);
	if (check < 0 || check != code[5] - '0')
		return false;
	int pref = (code[0] - '0') * 10 + (code[1] - '0');
	return pref >= 1 && pref <= 47;
}

/* The last character of NAME (ignoring trailing spaces) is the UTF-8 sequence K. */
static bool
ends_with(const char *name, const char *k)
{
	size_t n = strlen(name), kn = strlen(k);
	for (;;) {
		if (n >= 1 && name[n - 1] == ' ')
			n--;
		else if (n >= 3 && memcmp(name + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	return n >= kn && memcmp(name + n - kn, k, kn) == 0;
}

const char *
lgcode_kind(const char *code, const char *name)
{
	if (code == NULL)
		return NULL;
	for (int i = 0; i < 5; i++)
		if (!is_digit(code[i]))
			return NULL;
	int pref = (code[0] - '0') * 10 + (code[1] - '0');
	int muni = (code[2] - '0') * 100 + (code[3] - '0') * 10 + (code[4] - '0');
	bool named = name != NULL && name[0] != '\0';

	if (muni == 0)
		return "pref";
	if (pref == 13 && muni >= 101 && muni <= 199)
		return "ward";
	if (muni >= 100 && muni <= 199) {
		/*
		 * The administrative wards of a designated city (札幌市中央区
		 * 01101) share the city's 100-199 block; the ministry's list
		 * leaves them out, but when one is named it is a ward, not the
		 * city itself.
		 */
		if (named && ends_with(name, "区"))
			return "ward";
		return "desig";
	}
	if (named) {
		if (ends_with(name, "市"))
			return "city";
		if (ends_with(name, "区"))
			return "ward";
		if (ends_with(name, "町"))
			return "town";
		if (ends_with(name, "村"))
			return "village";
	}
	/* 201-299 is the block the ministry numbers cities in. */
	if (muni >= 201 && muni <= 299)
		return "city";
	return NULL;
}
