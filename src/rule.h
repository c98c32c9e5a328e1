/*
 * rule.h - the checks a screen file declares, as small expressions:
 *
 *   [check.NAME]
 *   rule = survey1.intent in 1, 2
 *   level = warn                 ; warn: the operator may confirm; error: refused
 *   message_ja = ...
 *   message_en = ...
 *
 * Grammar (keywords and function names are lower-case ASCII):
 *   rule   := cond { "and" cond }
 *   cond   := value op value
 *           | value "in" value { "," value }
 *           | value "not" "in" value { "," value }
 *           | value "between" value "and" value      (inclusive)
 *           | "filled" value | "empty" value
 *   op     := "=" | "!=" | "<" | "<=" | ">" | ">="
 *   value  := NAME                  a field of this record: intent
 *           | NAME "." NAME         a field of another screen's record: survey1.intent
 *           | "year:" SEC "." KEY   a setting of the record's fiscal year: year:survey.survey3_due
 *           | "conf:" SEC "." KEY   a setting of conf/lgotp.ini
 *           | "today"
 *           | "months" "(" value "," value ")"   whole months from the first date to the second
 *           | "days" "(" value "," value ")"     days from the first date to the second
 *           | NUMBER | DATE (YYYY-MM-DD) | 'quoted text' | a bare word that is none of the above
 * A bare NAME that is not a field is an error when the rule is bound.
 * months(a, b) counts the whole months m with a + m months <= b + 1 day,
 * so 2025-05-01 .. 2026-04-30 is 12 and 2025-05-01 .. 2025-10-31 is 6.
 * Comparison is numeric when both sides are numbers, else by bytes (ISO
 * dates compare correctly).  A condition any of whose values is empty
 * holds: a check speaks only of what has been filled in.
 *
 * Details fixed by rule.c: a value of only white space is empty; numbers
 * are the NUMBER form (optional '-', digits, optional '.' digits) after
 * trimming; months(a, b) goes negative (the greatest such m) once b is more
 * than a day before a, so months(2025-05-01, 2025-04-29) is -1; a date
 * literal must be a real date; a bare word beginning with a-z or '_' must
 * be a reference (quote other text); '' inside quoted text is one quote.
 */
#ifndef LGOTP_RULE_H
#define LGOTP_RULE_H

#include <stdbool.h>
#include <stddef.h>

struct rule;

/* Parse TEXT; -1 with *cause ("at column N: expected ...") on a syntax error. */
int rule_parse(const char *text, struct rule **out, char **cause);
void rule_free(struct rule *r);

/* The kinds of name a rule refers to. */
enum rule_ref_kind { RULE_FIELD, RULE_OTHER, RULE_YEAR, RULE_CONF };

struct rule_ref {
	enum rule_ref_kind kind;
	const char *a;              /* field; screen; section */
	const char *b;              /* NULL; field; key */
};

/* Every name the rule refers to (for `lgotp check`); valid while R lives. */
size_t rule_refs(const struct rule *r, const struct rule_ref **refs);
/* REF as written in a rule: "intent", "survey1.intent", "year:survey.due".  Caller frees. */
char *rule_ref_name(const struct rule_ref *ref);

/*
 * Supplies the value of a reference: returns 0 with a malloc'd *out ("" for
 * no value), or -1 with *cause.
 */
typedef int (*rule_resolve_fn)(void *arg, const struct rule_ref *ref, char **out, char **cause);

/*
 * Evaluate R; 0 with *holds, or -1 with *cause (a resolve failure, or a
 * date that months()/days() cannot read).
 */
int rule_eval(const struct rule *r, rule_resolve_fn resolve, void *arg, const char *today,
    bool *holds, char **cause);

#endif
