/*
 * rule.c - the check expressions of screen files (grammar in rule.h).
 *
 * rule_parse cuts the text into tokens, then a recursive-descent parser
 * builds a small tree: a list of conditions (joined by "and"), each holding
 * its values.  References are collected, deduplicated, into the rule while
 * parsing, and a value names its reference by index, so rule_refs needs no
 * walk and the resolver is handed the same struct rule_ref it was shown.
 * rule_eval walks the tree; every intermediate value is a malloc'd string,
 * since values are record fields and settings, which are strings too.
 *
 * Choices the contract leaves open, made here:
 *   - A value is empty when it holds nothing but ASCII white space; numbers
 *     and dates are read after trimming such space too.
 *   - A number is what the NUMBER token is: optional '-', digits, optional
 *     '.' and digits.  "1e3", "+1", ".5" and "inf" compare as text.
 *   - months(a, b) is the greatest m, negative allowed, with
 *     a + m months <= b + 1 day.  So it is 0 when b is the day before a
 *     (an empty period) and negative as soon as b lies further back:
 *     months(2025-05-01, 2025-04-29) is -1.  A check "months(start, end) >= 0"
 *     thus catches an end before its start.
 *   - A date literal must be a real date: 2025-02-30 is a syntax error.
 *   - A bare word that starts like a NAME (a lower-case letter or '_') must
 *     be a reference; "intent-1" or "a.b.c" is refused rather than read as
 *     text, since it is far more likely a mistyped name.  Other bare words
 *     (M, A1, 男) are text.
 *   - In quoted text, '' stands for one quote.
 *   - A NULL TODAY is an empty value.
 */
#include "rule.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "era.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

/* months(months(months(...))) deeper than this is surely a mistake, and
 * the bound keeps the recursive parser's stack small. */
#define RULE_MAX_DEPTH 16

/* --- the tree ------------------------------------------------------------ */

enum rule_op { RULE_OP_EQ, RULE_OP_NE, RULE_OP_LT, RULE_OP_LE, RULE_OP_GT, RULE_OP_GE };

enum rule_val_kind { RULE_VAL_TEXT, RULE_VAL_REF, RULE_VAL_TODAY, RULE_VAL_MONTHS, RULE_VAL_DAYS };

struct rule_val {
	enum rule_val_kind kind;
	char *text;                 /* RULE_VAL_TEXT */
	size_t ref;                 /* RULE_VAL_REF: index into rule->refs */
	struct rule_val *arg[2];    /* RULE_VAL_MONTHS, RULE_VAL_DAYS */
};

enum rule_cond_kind {
	RULE_COND_CMP, RULE_COND_IN, RULE_COND_NOT_IN, RULE_COND_BETWEEN,
	RULE_COND_FILLED, RULE_COND_EMPTY,
};

struct rule_cond {
	enum rule_cond_kind kind;
	enum rule_op op;            /* RULE_COND_CMP */
	struct rule_val **v;        /* the subject first, then the others */
	size_t n, cap;
};

struct rule {
	struct rule_cond *conds;
	size_t nconds, capconds;
	/* The strings of refs are owned here (freed in rule_free). */
	struct rule_ref *refs;
	size_t nrefs, caprefs;
};

static void
rule_val_free(struct rule_val *v)
{
	if (v == NULL)
		return;
	free(v->text);
	rule_val_free(v->arg[0]);
	rule_val_free(v->arg[1]);
	free(v);
}

void
rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nconds; i++) {
		for (size_t j = 0; j < r->conds[i].n; j++)
			rule_val_free(r->conds[i].v[j]);
		free(r->conds[i].v);
	}
	free(r->conds);
	for (size_t i = 0; i < r->nrefs; i++) {
		/* const only towards callers: the rule allocated these. */
		free((char *)r->refs[i].a);
		free((char *)r->refs[i].b);
	}
	free(r->refs);
	free(r);
}

size_t
rule_refs(const struct rule *r, const struct rule_ref **refs)
{
	if (refs != NULL)
		*refs = r->refs;
	return r->nrefs;
}

char *
rule_ref_name(const struct rule_ref *ref)
{
	switch (ref->kind) {
	case RULE_FIELD:
		return xstrdup(ref->a);
	case RULE_OTHER:
		return xasprintf("%s.%s", ref->a, ref->b);
	case RULE_YEAR:
		return xasprintf("year:%s.%s", ref->a, ref->b);
	case RULE_CONF:
		return xasprintf("conf:%s.%s", ref->a, ref->b);
	}
	return xstrdup("?");
}

/* Index of the reference (KIND, A[0..alen), B[0..blen)), added when new; B may be NULL. */
static size_t
rule_add_ref(struct rule *r, enum rule_ref_kind kind, const char *a, size_t alen,
    const char *b, size_t blen)
{
	for (size_t i = 0; i < r->nrefs; i++) {
		const struct rule_ref *x = &r->refs[i];
		if (x->kind != kind || strlen(x->a) != alen || strncmp(x->a, a, alen) != 0)
			continue;
		if (b == NULL || (strlen(x->b) == blen && strncmp(x->b, b, blen) == 0))
			return i;
	}
	r->refs = xgrow(r->refs, &r->caprefs, r->nrefs + 1, sizeof *r->refs);
	struct rule_ref *ref = &r->refs[r->nrefs];
	ref->kind = kind;
	ref->a = xstrndup(a, alen);
	ref->b = b != NULL ? xstrndup(b, blen) : NULL;
	return r->nrefs++;
}

/* --- tokens -------------------------------------------------------------- */

enum rule_tok_kind { RULE_TOK_END, RULE_TOK_WORD, RULE_TOK_TEXT, RULE_TOK_OP, RULE_TOK_COMMA,
	RULE_TOK_LPAREN, RULE_TOK_RPAREN };

struct rule_tok {
	enum rule_tok_kind kind;
	enum rule_op op;            /* RULE_TOK_OP */
	size_t off, len;            /* where it stands in the text, in bytes */
	char *text;                 /* RULE_TOK_TEXT: the text without its quotes */
};

struct rule_parser {
	const char *src;
	struct rule_tok *toks;
	size_t ntoks, cap;
	size_t pos;                 /* the current token */
	int depth;                  /* of function calls */
	struct rule *r;
	char **cause;
};

/* The 1-based column of byte OFF: characters, not bytes, are counted. */
static int
rule_column(const char *src, size_t off)
{
	int col = 1;
	for (size_t i = 0; i < off; i++)
		if (((unsigned char)src[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static bool
rule_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The characters that end a bare word. */
static bool
rule_is_delim(char c)
{
	return c == '\0' || rule_is_space(c) || strchr(",()'=!<>", c) != NULL;
}

/* Byte offset of the first invalid UTF-8 sequence in S, or SIZE_MAX. */
static size_t
rule_bad_utf8(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
		    c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		/* text_valid_utf8 does the fine checks: overlongs, surrogates. */
		if (len == 0 || len > n - i || !text_valid_utf8(s + i, len))
			return i;
		i += len;
	}
	return SIZE_MAX;
}

static struct rule_tok *
rule_push_tok(struct rule_parser *p, enum rule_tok_kind kind, size_t off, size_t len)
{
	p->toks = xgrow(p->toks, &p->cap, p->ntoks + 1, sizeof *p->toks);
	struct rule_tok *t = &p->toks[p->ntoks++];
	t->kind = kind;
	t->op = RULE_OP_EQ;
	t->off = off;
	t->len = len;
	t->text = NULL;
	return t;
}

/* Quoted text starting at OFF (the opening quote); returns its length in bytes. */
static int
rule_lex_text(struct rule_parser *p, size_t off, size_t *len)
{
	struct strbuf sb = SB_INIT;
	size_t i = off + 1;
	for (;;) {
		char c = p->src[i];
		if (c == '\0') {
			sb_free(&sb);
			return fail(p->cause, "at column %d: expected ' to close the text opened at column %d",
			    rule_column(p->src, i), rule_column(p->src, off));
		}
		if (c == '\'' && p->src[i + 1] == '\'') {
			sb_addc(&sb, '\'');
			i += 2;
		} else if (c == '\'') {
			break;
		} else {
			sb_addc(&sb, c);
			i++;
		}
	}
	*len = i + 1 - off;
	rule_push_tok(p, RULE_TOK_TEXT, off, *len)->text = sb_detach(&sb);
	return 0;
}

/* An operator at OFF; returns its length in bytes. */
static int
rule_lex_op(struct rule_parser *p, size_t off, size_t *len)
{
	const char *s = p->src + off;
	bool eq = s[1] == '=';
	enum rule_op op;
	switch (s[0]) {
	case '=':
		op = RULE_OP_EQ;
		eq = false;
		break;
	case '!':
		if (!eq)
			return fail(p->cause, "at column %d: expected '=' after '!'",
			    rule_column(p->src, off + 1));
		op = RULE_OP_NE;
		break;
	case '<':
		op = eq ? RULE_OP_LE : RULE_OP_LT;
		break;
	default:
		op = eq ? RULE_OP_GE : RULE_OP_GT;
		break;
	}
	*len = eq ? 2 : 1;
	rule_push_tok(p, RULE_TOK_OP, off, *len)->op = op;
	return 0;
}

/* Cut the whole text into tokens, ending with RULE_TOK_END. */
static int
rule_lex(struct rule_parser *p)
{
	size_t bad = rule_bad_utf8(p->src);
	if (bad != SIZE_MAX)
		return fail(p->cause, "at column %d: expected UTF-8 text, found byte \\x%02X",
		    rule_column(p->src, bad), (unsigned char)p->src[bad]);
	size_t i = 0;
	for (;;) {
		while (rule_is_space(p->src[i]))
			i++;
		char c = p->src[i];
		size_t len = 1;
		if (c == '\0') {
			rule_push_tok(p, RULE_TOK_END, i, 0);
			return 0;
		} else if (c == ',') {
			rule_push_tok(p, RULE_TOK_COMMA, i, 1);
		} else if (c == '(') {
			rule_push_tok(p, RULE_TOK_LPAREN, i, 1);
		} else if (c == ')') {
			rule_push_tok(p, RULE_TOK_RPAREN, i, 1);
		} else if (c == '\'') {
			if (rule_lex_text(p, i, &len) != 0)
				return -1;
		} else if (strchr("=!<>", c) != NULL) {
			if (rule_lex_op(p, i, &len) != 0)
				return -1;
		} else {
			while (!rule_is_delim(p->src[i + len]))
				len++;
			rule_push_tok(p, RULE_TOK_WORD, i, len);
		}
		i += len;
	}
}

/* --- the parser ---------------------------------------------------------- */

static const struct rule_tok *
rule_cur(const struct rule_parser *p)
{
	return &p->toks[p->pos];
}

/* Whether the current token is the bare word WORD. */
static bool
rule_at_word(const struct rule_parser *p, const char *word)
{
	const struct rule_tok *t = rule_cur(p);
	return t->kind == RULE_TOK_WORD && t->len == strlen(word) &&
	    strncmp(p->src + t->off, word, t->len) == 0;
}

/* Words that join or introduce conditions and so cannot be values. */
static bool
rule_at_keyword(const struct rule_parser *p)
{
	static const char *const kw[] = { "and", "in", "not", "between", "filled", "empty" };
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (rule_at_word(p, kw[i]))
			return true;
	return false;
}

/*
 * "at column N: expected WHAT after 'PREV', found 'TOKEN'": the column of
 * the current token, the one before it, and the token itself unless the
 * text has ended.  WHAT is a msgid (N_()) or a token, shown as it is.
 */
static int
rule_expected(struct rule_parser *p, const char *what)
{
	const struct rule_tok *t = rule_cur(p);
	struct strbuf sb = SB_INIT;
	sb_addf(&sb, _("at column %d: expected %s"), rule_column(p->src, t->off), _(what));
	if (p->pos > 0) {
		const struct rule_tok *prev = &p->toks[p->pos - 1];
		/* Quoted text shows with its own quotes. */
		const char *q = prev->kind == RULE_TOK_TEXT ? "" : "'";
		sb_addf(&sb, _(" after %s%.*s%s"), q, (int)prev->len, p->src + prev->off, q);
	}
	if (t->kind != RULE_TOK_END) {
		const char *q = t->kind == RULE_TOK_TEXT ? "" : "'";
		sb_addf(&sb, _(", found %s%.*s%s"), q, (int)t->len, p->src + t->off, q);
	}
	if (p->cause != NULL)
		*p->cause = sb_detach(&sb);
	else
		sb_free(&sb);
	return -1;
}

/* Consume a token of KIND, or fail saying WHAT was expected. */
static int
rule_expect(struct rule_parser *p, enum rule_tok_kind kind, const char *what)
{
	if (rule_cur(p)->kind != kind)
		return rule_expected(p, what);
	p->pos++;
	return 0;
}

static bool
rule_is_lower(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static bool
rule_is_name_char(char c)
{
	return rule_is_lower(c) || (c >= '0' && c <= '9');
}

/* Length of the NAME at the start of S[0..n), 0 when none. */
static size_t
rule_name_len(const char *s, size_t n)
{
	if (n == 0 || !rule_is_lower(s[0]))
		return 0;
	size_t i = 1;
	while (i < n && rule_is_name_char(s[i]))
		i++;
	return i;
}

/* Whether S[0..n) is exactly NAME "." NAME; *dot is where the dot is. */
static bool
rule_is_pair(const char *s, size_t n, size_t *dot)
{
	size_t a = rule_name_len(s, n);
	if (a == 0 || a >= n || s[a] != '.')
		return false;
	*dot = a;
	size_t b = n - a - 1;
	return b > 0 && rule_name_len(s + a + 1, b) == b;
}

/* Whether S[0..n) is a NUMBER: optional '-', digits, optional '.' digits. */
static bool
rule_is_number(const char *s, size_t n)
{
	size_t i = s[0] == '-' ? 1 : 0;
	size_t start = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == start)
		return false;
	if (i < n && s[i] == '.') {
		size_t frac = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == frac)
			return false;
	}
	return i == n;
}

/* Whether S[0..n) has the shape DDDD-DD-DD, real date or not. */
static bool
rule_is_date_shape(const char *s, size_t n)
{
	if (n != 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static struct rule_val *
rule_val_new(enum rule_val_kind kind)
{
	struct rule_val *v = xcalloc(1, sizeof *v);
	v->kind = kind;
	return v;
}

static struct rule_val *
rule_val_ref(struct rule_parser *p, enum rule_ref_kind kind, const char *a, size_t alen,
    const char *b, size_t blen)
{
	struct rule_val *v = rule_val_new(RULE_VAL_REF);
	v->ref = rule_add_ref(p->r, kind, a, alen, b, blen);
	return v;
}

/* The current word, "year:SEC.KEY" or "conf:SEC.KEY" (PREFIX, 5 bytes, names which). */
static int
rule_parse_setting(struct rule_parser *p, enum rule_ref_kind kind, const char *prefix,
    struct rule_val **out)
{
	const struct rule_tok *t = rule_cur(p);
	const char *s = p->src + t->off + 5;
	size_t n = t->len - 5, dot;
	if (!rule_is_pair(s, n, &dot))
		return fail(p->cause, "at column %d: expected SECTION.KEY after '%s'",
		    rule_column(p->src, t->off + 5), prefix);
	*out = rule_val_ref(p, kind, s, dot, s + dot + 1, n - dot - 1);
	p->pos++;
	return 0;
}

static int rule_parse_value(struct rule_parser *p, struct rule_val **out);

/* NAME "(" value "," value ")", the current word being NAME. */
static int
rule_parse_call(struct rule_parser *p, enum rule_val_kind kind, struct rule_val **out)
{
	size_t off = rule_cur(p)->off;
	p->pos++;
	/* rule_expected names the function as the token before. */
	if (rule_cur(p)->kind != RULE_TOK_LPAREN)
		return rule_expected(p, "'('");
	if (++p->depth > RULE_MAX_DEPTH)
		return fail(p->cause, "at column %d: expected at most %d nested functions",
		    rule_column(p->src, off), RULE_MAX_DEPTH);
	p->pos++;
	struct rule_val *v = rule_val_new(kind);
	if (rule_parse_value(p, &v->arg[0]) != 0 ||
	    rule_expect(p, RULE_TOK_COMMA, "','") != 0 ||
	    rule_parse_value(p, &v->arg[1]) != 0 ||
	    rule_expect(p, RULE_TOK_RPAREN, "')'") != 0) {
		rule_val_free(v);
		return -1;
	}
	p->depth--;
	*out = v;
	return 0;
}

/* A bare word as a value: a function, today, a reference, or a literal. */
static int
rule_parse_word(struct rule_parser *p, struct rule_val **out)
{
	const struct rule_tok *t = rule_cur(p);
	const char *s = p->src + t->off;
	size_t n = t->len, dot;
	if (rule_at_keyword(p))
		return rule_expected(p, N_("a value"));
	if (rule_at_word(p, "months"))
		return rule_parse_call(p, RULE_VAL_MONTHS, out);
	if (rule_at_word(p, "days"))
		return rule_parse_call(p, RULE_VAL_DAYS, out);
	if (n >= 5 && strncmp(s, "year:", 5) == 0)
		return rule_parse_setting(p, RULE_YEAR, "year:", out);
	if (n >= 5 && strncmp(s, "conf:", 5) == 0)
		return rule_parse_setting(p, RULE_CONF, "conf:", out);
	if (rule_at_word(p, "today")) {
		*out = rule_val_new(RULE_VAL_TODAY);
	} else if (rule_name_len(s, n) == n) {
		*out = rule_val_ref(p, RULE_FIELD, s, n, NULL, 0);
	} else if (rule_is_pair(s, n, &dot)) {
		*out = rule_val_ref(p, RULE_OTHER, s, dot, s + dot + 1, n - dot - 1);
	} else if (rule_is_lower(s[0])) {
		return fail(p->cause, "at column %d: expected NAME, SCREEN.FIELD, year:SECTION.KEY or "
		    "conf:SECTION.KEY, found '%.*s' (quote text: '...')",
		    rule_column(p->src, t->off), (int)n, s);
	} else {
		struct era_date d;
		char *text = xstrndup(s, n);
		if (rule_is_date_shape(s, n) && era_parse_iso(text, &d) != 0) {
			free(text);
			return fail(p->cause, "at column %d: expected a real date YYYY-MM-DD, found '%.*s'",
			    rule_column(p->src, t->off), (int)n, s);
		}
		/* Numbers, dates and other bare words are all text until compared. */
		*out = rule_val_new(RULE_VAL_TEXT);
		(*out)->text = text;
	}
	p->pos++;
	return 0;
}

static int
rule_parse_value(struct rule_parser *p, struct rule_val **out)
{
	const struct rule_tok *t = rule_cur(p);
	if (t->kind == RULE_TOK_TEXT) {
		*out = rule_val_new(RULE_VAL_TEXT);
		(*out)->text = xstrdup(t->text);
		p->pos++;
		return 0;
	}
	if (t->kind == RULE_TOK_WORD)
		return rule_parse_word(p, out);
	return rule_expected(p, N_("a value"));
}

/* Parse a value into the condition C (owned by the rule, so freed on failure too). */
static int
rule_parse_operand(struct rule_parser *p, struct rule_cond *c)
{
	struct rule_val *v = NULL;
	if (rule_parse_value(p, &v) != 0)
		return -1;
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n++] = v;
	return 0;
}

/* value { "," value } */
static int
rule_parse_list(struct rule_parser *p, struct rule_cond *c)
{
	if (rule_parse_operand(p, c) != 0)
		return -1;
	while (rule_cur(p)->kind == RULE_TOK_COMMA) {
		p->pos++;
		if (rule_parse_operand(p, c) != 0)
			return -1;
	}
	return 0;
}

/* What follows the subject: op value | [not] in list | between value and value. */
static int
rule_parse_predicate(struct rule_parser *p, struct rule_cond *c)
{
	const struct rule_tok *t = rule_cur(p);
	if (t->kind == RULE_TOK_OP) {
		c->kind = RULE_COND_CMP;
		c->op = t->op;
		p->pos++;
		return rule_parse_operand(p, c);
	}
	if (rule_at_word(p, "in")) {
		c->kind = RULE_COND_IN;
		p->pos++;
		return rule_parse_list(p, c);
	}
	if (rule_at_word(p, "not")) {
		c->kind = RULE_COND_NOT_IN;
		p->pos++;
		if (!rule_at_word(p, "in"))
			return rule_expected(p, "'in'");
		p->pos++;
		return rule_parse_list(p, c);
	}
	if (rule_at_word(p, "between")) {
		c->kind = RULE_COND_BETWEEN;
		p->pos++;
		if (rule_parse_operand(p, c) != 0)
			return -1;
		if (!rule_at_word(p, "and"))
			return rule_expected(p, "'and'");
		p->pos++;
		return rule_parse_operand(p, c);
	}
	return rule_expected(p, N_("an operator (=, !=, <, <=, >, >=, in, not in, between)"));
}

static int
rule_parse_cond(struct rule_parser *p)
{
	struct rule *r = p->r;
	const struct rule_tok *t = rule_cur(p);
	bool filled = rule_at_word(p, "filled"), empty = rule_at_word(p, "empty");
	if (!filled && !empty && (t->kind != RULE_TOK_WORD || rule_at_keyword(p)) &&
	    t->kind != RULE_TOK_TEXT)
		return rule_expected(p, N_("a condition"));
	r->conds = xgrow(r->conds, &r->capconds, r->nconds + 1, sizeof *r->conds);
	struct rule_cond *c = &r->conds[r->nconds++];
	memset(c, 0, sizeof *c);
	if (filled || empty) {
		c->kind = filled ? RULE_COND_FILLED : RULE_COND_EMPTY;
		p->pos++;
		return rule_parse_operand(p, c);
	}
	if (rule_parse_operand(p, c) != 0)
		return -1;
	return rule_parse_predicate(p, c);
}

int
rule_parse(const char *text, struct rule **out, char **cause)
{
	struct rule_parser p = { .src = text != NULL ? text : "", .cause = cause };
	p.r = xcalloc(1, sizeof *p.r);
	int rc = rule_lex(&p);
	if (rc == 0)
		rc = rule_parse_cond(&p);
	while (rc == 0 && rule_at_word(&p, "and")) {
		p.pos++;
		rc = rule_parse_cond(&p);
	}
	if (rc == 0 && rule_cur(&p)->kind != RULE_TOK_END)
		rc = rule_expected(&p, N_("'and' or the end of the rule"));
	for (size_t i = 0; i < p.ntoks; i++)
		free(p.toks[i].text);
	free(p.toks);
	if (rc != 0) {
		rule_free(p.r);
		return -1;
	}
	*out = p.r;
	return 0;
}

/* --- dates --------------------------------------------------------------- */

/* D plus K months (K may be negative); a day past the month's end becomes its last day. */
static struct era_date
rule_add_months(struct era_date d, long k)
{
	long idx = (long)d.y * 12 + (d.m - 1) + k;
	/* Floor division, so that a negative index still lands in month 1..12. */
	long y = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
	struct era_date r = { (int)y, (int)(idx - y * 12) + 1, d.d };
	int last = era_days_in_month(r.y, r.m);
	if (r.d > last)
		r.d = last;
	return r;
}

/* The greatest m with A + m months <= B + 1 day (see the top of the file). */
static long
rule_months(struct era_date a, struct era_date b)
{
	long end = era_to_days(b) + 1;
	/* The calendar difference is right or one too many; step to the answer. */
	long m = ((long)b.y - a.y) * 12 + (b.m - a.m);
	while (era_to_days(rule_add_months(a, m)) > end)
		m--;
	while (era_to_days(rule_add_months(a, m + 1)) <= end)
		m++;
	return m;
}

/* --- evaluation ---------------------------------------------------------- */

struct rule_ctx {
	const struct rule *r;
	rule_resolve_fn resolve;
	void *arg;
	const char *today;
	char **cause;
};

/* Nothing but white space: a value not filled in. */
static bool
rule_blank(const char *s)
{
	while (rule_is_space(*s))
		s++;
	return *s == '\0';
}

/* S trimmed, as the bounds [*start, *start + *n). */
static void
rule_trim_bounds(const char *s, const char **start, size_t *n)
{
	while (rule_is_space(*s))
		s++;
	size_t len = strlen(s);
	while (len > 0 && rule_is_space(s[len - 1]))
		len--;
	*start = s;
	*n = len;
}

/* A NUMBER as its digits: what rule_compare compares. */
struct rule_num {
	bool neg;                   /* never for zero: -0 is 0 */
	const char *ip, *fp;        /* integer digits without leading zeros, */
	size_t in, fn;              /* fraction digits without trailing zeros */
};

/*
 * S read as a NUMBER (after trimming), or false.  Numbers are compared
 * digit by digit, not as doubles: a double holds 15-17 significant digits
 * and overflows, so 12345678901234567 was equal to 12345678901234568, and
 * a 400-digit number became infinity or NaN and equal to anything (found
 * while writing tests/fuzz/fuzz_rule.c).  Nor strtod, whose decimal point
 * follows the locale the terminal application sets.
 */
static bool
rule_number(const char *s, struct rule_num *x)
{
	const char *p;
	size_t n;
	rule_trim_bounds(s, &p, &n);
	if (n == 0 || !rule_is_number(p, n))
		return false;
	size_t i = p[0] == '-' ? 1 : 0;
	x->neg = i == 1;
	while (i < n && p[i] == '0')
		i++;
	x->ip = p + i;
	x->in = 0;
	while (i < n && p[i] != '.') {
		i++;
		x->in++;
	}
	if (i < n)
		i++;                    /* the '.' */
	x->fp = p + i;
	x->fn = n - i;
	while (x->fn > 0 && x->fp[x->fn - 1] == '0')
		x->fn--;
	if (x->in == 0 && x->fn == 0)
		x->neg = false;
	return true;
}

/* <0, 0, >0 as |X| is below, equal to or above |Y|. */
static int
rule_num_cmp_abs(const struct rule_num *x, const struct rule_num *y)
{
	if (x->in != y->in)
		return x->in < y->in ? -1 : 1;
	int c = memcmp(x->ip, y->ip, x->in);
	if (c == 0) {
		size_t common = x->fn < y->fn ? x->fn : y->fn;
		c = memcmp(x->fp, y->fp, common);
		/* Equal so far: the longer fraction ends in a non-zero digit. */
		if (c == 0)
			return (x->fn > common) - (y->fn > common);
	}
	return c < 0 ? -1 : 1;
}

/* <0, 0, >0: numerically when both are numbers (1.5 = 1.50), else by bytes. */
static int
rule_compare(const char *a, const char *b)
{
	struct rule_num x, y;
	if (rule_number(a, &x) && rule_number(b, &y)) {
		if (x.neg != y.neg)
			return x.neg ? -1 : 1;
		int c = rule_num_cmp_abs(&x, &y);
		return x.neg ? -c : c;
	}
	int c = strcmp(a, b);
	return (c > 0) - (c < 0);
}

static bool
rule_op_holds(enum rule_op op, int cmp)
{
	switch (op) {
	case RULE_OP_EQ:
		return cmp == 0;
	case RULE_OP_NE:
		return cmp != 0;
	case RULE_OP_LT:
		return cmp < 0;
	case RULE_OP_LE:
		return cmp <= 0;
	case RULE_OP_GT:
		return cmp > 0;
	case RULE_OP_GE:
		return cmp >= 0;
	}
	return false;
}

static int rule_eval_val(struct rule_ctx *ctx, const struct rule_val *v, char **out);

static int
rule_eval_ref(struct rule_ctx *ctx, const struct rule_ref *ref, char **out)
{
	char *value = NULL, *why = NULL;
	if (ctx->resolve(ctx->arg, ref, &value, &why) != 0) {
		free(value);
		if (why == NULL) {
			char *name = rule_ref_name(ref);
			why = xasprintf(_("cannot read %s"), name);
			free(name);
		}
		if (ctx->cause != NULL)
			*ctx->cause = why;
		else
			free(why);
		return -1;
	}
	*out = value != NULL ? value : xstrdup("");
	return 0;
}

/* VALUE (the result of V) as a date for FN, or -1 with a cause naming it. */
static int
rule_date(struct rule_ctx *ctx, const char *fn, const struct rule_val *v, const char *value,
    struct era_date *d)
{
	char *t = trim_dup(value);
	int rc = era_parse_iso(t, d);
	free(t);
	if (rc == 0)
		return 0;
	char *shown = text_printable(value);
	if (v->kind == RULE_VAL_REF) {
		char *name = rule_ref_name(&ctx->r->refs[v->ref]);
		fail(ctx->cause, "%s(): %s is '%s', not a date YYYY-MM-DD", fn, name, shown);
		free(name);
	} else if (v->kind == RULE_VAL_TODAY) {
		fail(ctx->cause, "%s(): today is '%s', not a date YYYY-MM-DD", fn, shown);
	} else {
		fail(ctx->cause, "%s(): '%s' is not a date YYYY-MM-DD", fn, shown);
	}
	free(shown);
	return -1;
}

/* months(a, b) or days(a, b); empty when either argument is. */
static int
rule_eval_call(struct rule_ctx *ctx, const struct rule_val *v, char **out)
{
	const char *fn = v->kind == RULE_VAL_MONTHS ? "months" : "days";
	char *s[2] = { NULL, NULL };
	struct era_date d[2];
	int rc = -1;
	for (int i = 0; i < 2; i++)
		if (rule_eval_val(ctx, v->arg[i], &s[i]) != 0)
			goto out;
	if (rule_blank(s[0]) || rule_blank(s[1])) {
		*out = xstrdup("");
		rc = 0;
		goto out;
	}
	for (int i = 0; i < 2; i++)
		if (rule_date(ctx, fn, v->arg[i], s[i], &d[i]) != 0)
			goto out;
	long n = v->kind == RULE_VAL_MONTHS ? rule_months(d[0], d[1]) :
	    era_to_days(d[1]) - era_to_days(d[0]);
	*out = xasprintf("%ld", n);
	rc = 0;
out:
	free(s[0]);
	free(s[1]);
	return rc;
}

/* The value of V as a malloc'd string ("" when empty). */
static int
rule_eval_val(struct rule_ctx *ctx, const struct rule_val *v, char **out)
{
	switch (v->kind) {
	case RULE_VAL_TEXT:
		*out = xstrdup(v->text);
		return 0;
	case RULE_VAL_REF:
		return rule_eval_ref(ctx, &ctx->r->refs[v->ref], out);
	case RULE_VAL_TODAY:
		*out = xstrdup(ctx->today != NULL ? ctx->today : "");
		return 0;
	case RULE_VAL_MONTHS:
	case RULE_VAL_DAYS:
		return rule_eval_call(ctx, v, out);
	}
	return fail(ctx->cause, "bad rule value");
}

/* Whether C holds for the values V (none empty unless filled/empty). */
static bool
rule_cond_holds(const struct rule_cond *c, char **v)
{
	switch (c->kind) {
	case RULE_COND_FILLED:
		return !rule_blank(v[0]);
	case RULE_COND_EMPTY:
		return rule_blank(v[0]);
	default:
		break;
	}
	/* A check speaks only of what has been filled in. */
	for (size_t i = 0; i < c->n; i++)
		if (rule_blank(v[i]))
			return true;
	switch (c->kind) {
	case RULE_COND_CMP:
		return rule_op_holds(c->op, rule_compare(v[0], v[1]));
	case RULE_COND_IN:
	case RULE_COND_NOT_IN:
		for (size_t i = 1; i < c->n; i++)
			if (rule_compare(v[0], v[i]) == 0)
				return c->kind == RULE_COND_IN;
		return c->kind == RULE_COND_NOT_IN;
	case RULE_COND_BETWEEN:
		return rule_compare(v[0], v[1]) >= 0 && rule_compare(v[0], v[2]) <= 0;
	default:
		return false;
	}
}

static int
rule_eval_cond(struct rule_ctx *ctx, const struct rule_cond *c, bool *holds)
{
	char **v = xcalloc(c->n, sizeof *v);
	int rc = 0;
	for (size_t i = 0; i < c->n && rc == 0; i++)
		rc = rule_eval_val(ctx, c->v[i], &v[i]);
	if (rc == 0)
		*holds = rule_cond_holds(c, v);
	for (size_t i = 0; i < c->n; i++)
		free(v[i]);
	free(v);
	return rc;
}

int
rule_eval(const struct rule *r, rule_resolve_fn resolve, void *arg, const char *today,
    bool *holds, char **cause)
{
	struct rule_ctx ctx = { r, resolve, arg, today, cause };
	for (size_t i = 0; i < r->nconds; i++) {
		bool ok = false;
		if (rule_eval_cond(&ctx, &r->conds[i], &ok) != 0)
			return -1;
		/* "and" stops at the first condition that fails: later ones are not read. */
		if (!ok) {
			*holds = false;
			return 0;
		}
	}
	*holds = true;
	return 0;
}
