/*
 * Practice mode's sample documents (conf/practice/SCREEN.ini): the shipped
 * files load clean, and each kind of mistake in a file is reported as
 * file:line: message, as `lgotp check` prints it.
 */
#include "samples.h"
#include "schema.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct schema *schema;

static int
setup(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	schema = schema_load("conf/lgotp.ini", NULL, &errs);
	assert_non_null(schema);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	schema_free(schema);
	return 0;
}

static void
test_shipped_samples(void **state)
{
	(void)state;
	char *dir = samples_dir(schema);
	assert_string_equal(dir, "conf/practice");
	struct strlist errs = { 0 };
	struct samples *ss = samples_load(schema, dir, LANG_EN, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	assert_non_null(ss);
	assert_int_equal(errs.n, 0);
	/* At least 様式1 and the bodies; each sample lists fields. */
	const struct sample_set *s1 = samples_for(ss, schema_screen(schema, "survey1"));
	const struct sample_set *body = samples_for(ss, schema_screen(schema, "body"));
	assert_non_null(s1);
	assert_non_null(body);
	assert_true(s1->n >= 3);
	assert_true(body->n >= 3);
	assert_null(samples_for(ss, schema_screen(schema, "trainee")));
	assert_string_equal(s1->samples[0].name, "1");
	assert_true(s1->samples[0].nvalues > 0);
	assert_non_null(sample_value(&s1->samples[0], (size_t)schema_field_index(s1->sd, "body_code")));
	samples_free(ss);
	strlist_free(&errs);
	free(dir);
}

static void
test_no_directory(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	struct samples *ss = samples_load(schema, "/nonexistent/practice", LANG_EN, &errs);
	assert_non_null(ss);
	assert_int_equal(ss->n, 0);
	assert_int_equal(errs.n, 0);
	assert_null(samples_for(ss, schema_screen(schema, "survey1")));
	samples_free(ss);
}

struct bad {
	const char *file;       /* in the practice directory */
	const char *text;
	const char *message;    /* after "DIR/FILE:" */
};

static const struct bad bads[] = {
	{ "nosuch.ini", "[sample.1]\nx = 1\n", "nosuch.ini:1: no screen 'nosuch'" },
	{ "survey1.ini", "[sample.1]\nfy = 2025\nbody_code = 012024\nintent = 1\nreceived_on = 2024-10-01\n",
	  "survey1.ini:3: [sample.1] body_code = 012024: wrong check digit" },
	{ "survey1.ini", "[sample.1]\nbody_code = 012025\nintent = 1\ncolour = red\n",
	  "survey1.ini:4: [sample.1] colour: screen survey1 has no such field" },
	{ "survey1.ini", "[sample.1]\nbody_code = 012025\nintent = 9\n",
	  "survey1.ini:3: [sample.1] intent = 9:" },
	{ "survey1.ini", "[sample.1]\nbody_code = 012025\nintent = 1\nreceived_on = 2024-13-01\n",
	  "survey1.ini:4: [sample.1] received_on = 2024-13-01:" },
	{ "survey1.ini", "[sample.a]\nbody_code = 012025\nintent =\n",
	  "survey1.ini:1: [sample.a]: intent is required on screen survey1" },
	{ "survey1.ini", "[sample.1]\nbody_code = 012025\nintent = 1\n[other]\na = b\n",
	  "survey1.ini:4: unknown section [other]: expected [sample.NAME]" },
	{ "survey1.ini", "; nothing\n", "survey1.ini:1: no samples" },
	{ "survey1.ini", "[sample.1]\n", "survey1.ini:1: [sample.1] lists no fields" },
	{ "survey1.ini", "[sample.1]\nbody_code = 012025\nintent = 1\n\n[sample.2]\nfy = R7\n"
	  "body_code = ０１２０２５\nintent = 2\n",
	  "survey1.ini:5: [sample.2]: the same record (2025 / 012025) as [sample.1]" },
	{ "body.ini", "[sample.1]\ncode = 012033\nname = 小樽市\nkind = metropolis\n",
	  "body.ini:4: [sample.1] kind = metropolis:" },
	{ "survey1.ini", "[sample.1]\nbody_code = 012025\nintent = 1\nintent = 2\n",
	  "survey1.ini:4:" },
};

/* A practice directory holding one file (FILE with TEXT), in a directory
 * of its own; returns the directory, removed by rm_dir. */
static char *
dir_with(const char *file, const char *text)
{
	char *dir = xstrdup("/tmp/lgotp-samples-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
	return dir;
}

static void
rm_dir(char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

static void
test_mistakes_reported(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		const struct bad *b = &bads[i];
		char *dir = dir_with(b->file, b->text);
		struct strlist errs = { 0 };
		struct samples *ss = samples_load(schema, dir, LANG_EN, &errs);
		char *want = xasprintf("%s/%s", dir, b->message);
		bool found = false;
		for (size_t k = 0; k < errs.n; k++)
			found |= strncmp(errs.v[k], want, strlen(want)) == 0;
		if (!found || ss != NULL) {
			fprintf(stderr, "case %zu: wanted %s, got:\n", i, want);
			for (size_t k = 0; k < errs.n; k++)
				fprintf(stderr, "  %s\n", errs.v[k]);
		}
		assert_null(ss);
		assert_true(found);
		free(want);
		strlist_free(&errs);
		rm_dir(dir, b->file);
	}
}

/* The same files without the mistake load, and keep what they say. */
static void
test_good_file(void **state)
{
	(void)state;
	char *dir = dir_with("survey1.ini", "[sample.first]\nbody_code = ０１２０２５\nintent = 1\n"
	    "note =\n\n[sample.second]\nbody_code = 040002\nintent = 2\nreceived_on = R6.10.2\n");
	struct strlist errs = { 0 };
	struct samples *ss = samples_load(schema, dir, LANG_EN, &errs);
	assert_int_equal(errs.n, 0);
	assert_non_null(ss);
	assert_int_equal(ss->n, 1);
	const struct sample_set *set = &ss->sets[0];
	assert_string_equal(set->sd->name, "survey1");
	assert_int_equal(set->n, 2);
	assert_string_equal(set->samples[0].name, "first");
	assert_int_equal(set->samples[0].nvalues, 3);
	/* As written: the comparison, not the loader, reads it through the type. */
	size_t code = (size_t)schema_field_index(set->sd, "body_code");
	size_t note = (size_t)schema_field_index(set->sd, "note");
	size_t dept = (size_t)schema_field_index(set->sd, "dept");
	assert_string_equal(sample_value(&set->samples[0], code), "０１２０２５");
	assert_string_equal(sample_value(&set->samples[0], note), "");
	assert_null(sample_value(&set->samples[0], dept));
	assert_int_equal(set->samples[1].line, 6);
	assert_null(set->samples[1].unusable);
	samples_free(ss);
	rm_dir(dir, "survey1.ini");
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_samples),
		cmocka_unit_test(test_no_directory),
		cmocka_unit_test(test_mistakes_reported),
		cmocka_unit_test(test_good_file),
	};
	return cmocka_run_group_tests_name("samples", tests, setup, teardown);
}
