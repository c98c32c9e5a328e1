/*
 * field.h - what a screen file declares about one field.
 *
 * Filled in by the schema loader (schema.c) from screens/NAME.ini and read
 * by the field types (ftype.c), the form (form_screen.c) and CSV exchange.
 * All strings are UTF-8 and owned by the field_def.
 */
#ifndef LGOTP_FIELD_H
#define LGOTP_FIELD_H

#include <stdbool.h>
#include <stddef.h>

/* The two UI languages; arrays of labels are indexed by it. */
enum lang { LANG_JA = 0, LANG_EN = 1, LANG_COUNT };

struct choice {
	char *code;                 /* what is typed and stored, e.g. "1", "pref" */
	char *label[LANG_COUNT];    /* what is shown beside it */
};

struct ftype;
struct derivation;

struct field_def {
	char *id;                   /* the CSV header and the record's field name */
	char *label[LANG_COUNT];
	const struct ftype *type;   /* never NULL once loaded */
	int width;                  /* columns on screen; also the longest value, in columns */
	bool required;
	bool carry;                 /* kept when the form clears for the next record */
	bool autoskip;              /* filling the field moves to the next one */
	bool kana;                  /* a reading: half-width kana and hiragana become katakana */
	char *default_value;        /* raw, as declared: a value, "today", or "conf:SECTION.KEY" */
	struct choice *choices;     /* type choice only */
	size_t nchoices;
	char *ref;                  /* screen whose records this field names (ref, lgcode), or NULL */
	long min, max;              /* int/money range; min > max means no range */
	int row, col;               /* layout; -1 for automatic */
	const struct derivation *derive; /* fills the field when left empty, or NULL */
	size_t *derive_args;        /* indexes of the fields passed to it */
	size_t nderive_args;
	bool compute;               /* derive on every save, not only when empty */
	bool readonly;              /* shown, never typed into */
	bool order_forward;         /* choice: may only move to a later choice... */
	char **order_except;        /* ...or to one of these codes */
	size_t norder_except;
	int log_field;              /* index of the field each change is logged to, or -1 */
	int line;                   /* line of the [field.ID] section, for messages */
};

#endif
