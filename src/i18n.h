/*
 * i18n.h - the UI's texts in Japanese and English.
 *
 * Texts are written in the source in English, the msgid, as gettext has
 * it; their Japanese is in src/po/ja.po, which the build compiles into
 * lgotp.mo.  This module reads that catalogue itself (catalog.h) rather
 * than through gettext(), so the language follows lgotp's own choice
 * (--lang, conf, the locale) and switches at run time (Ctrl-T) on machines
 * without a Japanese locale.
 *
 *   _("Saved: %s")              in the current UI language (i18n_lang())
 *   C_("row", "Total")          the same with a context, for an English
 *                               text that has two Japanese ones
 *   L_(lang, "not a date")      in LANG, for modules that take the
 *                               language as a parameter (field types,
 *                               dates) rather than from the UI
 *   LC_(lang, "row", "Total")   both
 *   N_("next field")            only marks a text for the catalogue (a
 *                               table's entry); translate it where used
 *   NC_("key line", "save")     the same with a context, which the use
 *                               repeats: LC_(lang, "key line", t->brief)
 *
 * Functions that say a message translate its format themselves, so their
 * callers write the English bare: fail(cause, "no such directory") (util.h;
 * fail_raw() for a format already translated, as L_(lang, ...) gives it),
 * and the configuration loaders' ERR(ini, line, fmt, ...), err_at(errs,
 * path, line, fmt, ...) (schema.c) and xt_err(errs, ini, line, fmt, ...)
 * (report_crosstab.c), which say "FILE:LINE: " first.
 *
 * These are the keywords xgettext is given (tests/unit/test_texts.c lists
 * them, with the positions of their msgids).  A text with no Japanese in
 * the catalogue (or with no catalogue at all) is shown in English.  The
 * texts returned are static (the literal or the catalogue's, which stays
 * loaded until i18n_unload).
 *
 * The language and the catalogue are process-wide state, as gettext's
 * are; not thread-safe.
 */
#ifndef LGOTP_I18N_H
#define LGOTP_I18N_H

#include "field.h"

#define _(msgid) i18n_text(i18n_lang(), NULL, msgid)
#define C_(context, msgid) i18n_text(i18n_lang(), context, msgid)
#define L_(lang, msgid) i18n_text(lang, NULL, msgid)
#define LC_(lang, context, msgid) i18n_text(lang, context, msgid)
#define N_(msgid) (msgid)
#define NC_(context, msgid) (msgid)

/* The UI language: LANG_JA until set. */
enum lang i18n_lang(void);
void i18n_set_lang(enum lang lang);
/*
 * The language is RESOLVE(CTX), asked for when i18n_lang is first called
 * (once), unless i18n_set_lang comes first: main's language for what is
 * said before the settings are loaded costs a read of them only when
 * something is said.
 */
void i18n_defer_lang(enum lang (*resolve)(void *ctx), void *ctx);

/*
 * MSGID (with CONTEXT, or NULL) in LANG: the catalogue's Japanese for
 * LANG_JA when it has one, else MSGID itself.  The first Japanese look-up
 * loads the catalogue from where i18n_load_default looks, if nothing was
 * loaded before.  format_arg: the compiler checks a printf format's
 * arguments against the English.
 */
const char *i18n_text(enum lang lang, const char *context, const char *msgid)
    __attribute__((format_arg(3)));

/*
 * Load the Japanese catalogue at PATH, replacing any loaded before.
 * Returns 0, or -1 with a malloc'd *cause (the one loaded before stays).
 * Either way the default is not looked for afterwards (until i18n_unload).
 */
int i18n_load(const char *path, char **cause);
/*
 * Load the catalogue from the checkout when lgotp runs from one (BUILD/
 * locale/ja/LC_MESSAGES/lgotp.mo under the current directory, which make
 * compiles it to), else from the installed LOCALEDIR/ja/LC_MESSAGES/
 * lgotp.mo; the directories are set at build time.  Returns 0, or -1 and
 * a malloc'd *cause naming the files looked for.  A failure is
 * remembered: later calls (and look-ups) do not try again.
 */
int i18n_load_default(char **cause);
/* The file the catalogue was loaded from, or NULL. */
const char *i18n_catalog_path(void);
/* Forget the catalogue (the next Japanese look-up loads the default again). */
void i18n_unload(void);

/*
 * The language the locale asks for: the first of LC_ALL, LC_MESSAGES and
 * LANG that is set and not empty (POSIX's order) decides; "ja" or "ja_*"
 * gives Japanese, anything else (C, C.UTF-8, en_US, unset) English.
 */
enum lang i18n_lang_from_env(void);

#endif
