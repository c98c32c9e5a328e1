/*
 * bench_gen.c - generated data: every body code of prefectures 01-47 with
 * a valid JIS X 0402 check digit (47,000 bodies), each with a kanji name,
 * its katakana reading and an English name; survey1 answers spread over
 * fiscal years (the newest first), as many as asked for.  Deterministic:
 * the same run generates the same files.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static const char *const pref_name[47] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
	"埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
	"岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
	"鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
	"佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
};
static const char *const pref_kana[47] = {
	"ホッカイドウ", "アオモリケン", "イワテケン", "ミヤギケン", "アキタケン", "ヤマガタケン", "フクシマケン",
	"イバラキケン", "トチギケン", "グンマケン", "サイタマケン", "チバケン", "トウキョウト", "カナガワケン",
	"ニイガタケン", "トヤマケン", "イシカワケン", "フクイケン", "ヤマナシケン", "ナガノケン", "ギフケン",
	"シズオカケン", "アイチケン", "ミエケン", "シガケン", "キョウトフ", "オオサカフ", "ヒョウゴケン",
	"ナラケン", "ワカヤマケン", "トットリケン", "シマネケン", "オカヤマケン", "ヒロシマケン", "ヤマグチケン",
	"トクシマケン", "カガワケン", "エヒメケン", "コウチケン", "フクオカケン", "サガケン", "ナガサキケン",
	"クマモトケン", "オオイタケン", "ミヤザキケン", "カゴシマケン", "オキナワケン",
};

/* Name parts: kanji, reading, romanisation. */
static const struct {
	const char *kanji, *kana, *roma;
} part[] = {
	{ "山", "ヤマ", "yama" }, { "川", "カワ", "kawa" }, { "田", "タ", "ta" }, { "中", "ナカ", "naka" },
	{ "本", "モト", "moto" }, { "松", "マツ", "matsu" }, { "島", "シマ", "shima" }, { "大", "オオ", "oo" },
	{ "小", "コ", "ko" }, { "北", "キタ", "kita" }, { "南", "ミナミ", "minami" }, { "東", "ヒガシ", "higashi" },
	{ "西", "ニシ", "nishi" }, { "石", "イシ", "ishi" }, { "野", "ノ", "no" }, { "原", "ハラ", "hara" },
	{ "高", "タカ", "taka" }, { "森", "モリ", "mori" }, { "岡", "オカ", "oka" }, { "宮", "ミヤ", "miya" },
	{ "長", "ナガ", "naga" }, { "沢", "サワ", "sawa" }, { "井", "イ", "i" }, { "木", "キ", "ki" },
	{ "浜", "ハマ", "hama" }, { "津", "ツ", "tsu" }, { "崎", "サキ", "saki" }, { "坂", "サカ", "saka" },
	{ "谷", "タニ", "tani" }, { "富", "トミ", "tomi" }, { "吉", "ヨシ", "yoshi" }, { "福", "フク", "fuku" },
	{ "久", "ク", "ku" }, { "古", "フル", "furu" }, { "新", "シン", "shin" }, { "清", "キヨ", "kiyo" },
	{ "朝", "アサ", "asa" }, { "日", "ヒ", "hi" }, { "月", "ツキ", "tsuki" }, { "桜", "サクラ", "sakura" },
	{ "藤", "フジ", "fuji" }, { "鶴", "ツル", "tsuru" }, { "亀", "カメ", "kame" }, { "江", "エ", "e" },
};
#define NPART (sizeof part / sizeof part[0])

static const char *const depts[] = {
	"国際交流課", "企画部国際課", "総務課", "企画政策課", "市民協働課", "観光交流課", "秘書広報課",
	"地域振興課", "文化国際課", "交流推進室",
};
static const char *const contacts[] = {
	"", "山田花子", "佐藤太郎", "鈴木一郎", "高橋美咲", "田中健", "伊藤由美", "渡辺翔", "中村陽子",
};
static const char *const notes[] = {
	"", "", "", "姉妹都市から受入予定", "検討中", "予算要求中", "議会承認後に回答",
};

/* splitmix64: deterministic, good enough for test data. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void
gen_bodies(struct gen *g)
{
	g->nbodies = 47 * 1000;
	g->bodies = xcalloc(g->nbodies, sizeof *g->bodies);
	size_t k = 0;
	for (int p = 1; p <= 47; p++)
		for (int m = 0; m < 1000; m++) {
			struct body *b = &g->bodies[k++];
			char c5[6];
			snprintf(c5, sizeof c5, "%02d%03d", p, m);
			int s = 6 * (c5[0] - '0') + 5 * (c5[1] - '0') + 4 * (c5[2] - '0') +
			    3 * (c5[3] - '0') + 2 * (c5[4] - '0');
			snprintf(b->code, sizeof b->code, "%s%d", c5, (11 - s % 11) % 10);
			if (m == 0) {
				b->name = xstrdup(pref_name[p - 1]);
				b->kana = xstrdup(pref_kana[p - 1]);
				b->name_en = xasprintf("Prefecture %02d", p);
				continue;
			}
			uint64_t r = mix((uint64_t)(p * 1000 + m));
			size_t nparts = 2 + r % 2;
			struct strbuf name = SB_INIT, kana = SB_INIT, en = SB_INIT;
			for (size_t i = 0; i < nparts; i++) {
				r = mix(r);
				size_t j = r % NPART;
				sb_adds(&name, part[j].kanji);
				sb_adds(&kana, part[j].kana);
				if (i == 0) {
					sb_addc(&en, (char)(part[j].roma[0] - 'a' + 'A'));
					sb_adds(&en, part[j].roma + 1);
				} else {
					sb_adds(&en, part[j].roma);
				}
			}
			/* Tokyo's special wards; designated cities' and others' suffixes. */
			const char *suf, *suf_kana, *suf_en;
			if (p == 13 && m >= 101 && m <= 199)
				suf = "区", suf_kana = "ク", suf_en = " City";
			else if (m < 400)
				suf = "市", suf_kana = "シ", suf_en = " City";
			else if (m < 800)
				suf = "町", suf_kana = "マチ", suf_en = " Town";
			else
				suf = "村", suf_kana = "ムラ", suf_en = " Village";
			sb_adds(&name, suf);
			sb_adds(&kana, suf_kana);
			sb_adds(&en, suf_en);
			b->name = sb_detach(&name);
			b->kana = sb_detach(&kana);
			b->name_en = sb_detach(&en);
		}
}

char *
gen_survey_row(const struct gen *g, size_t row)
{
	size_t nb = g->nbodies - GEN_RESERVED;
	const struct body *b = &g->bodies[row % nb];
	int fy = 2025 - (int)(row / nb);
	uint64_t r = mix(row * 7919 + 17);
	const char *dept = depts[r % (sizeof depts / sizeof *depts)];
	r = mix(r);
	const char *contact = contacts[r % (sizeof contacts / sizeof *contacts)];
	r = mix(r);
	const char *note = notes[r % (sizeof notes / sizeof *notes)];
	r = mix(r);
	int intent = 1 + (int)(r % 4);
	char email[40] = "", phone[20] = "";
	if (r & 0x100)
		snprintf(email, sizeof email, "kokusai@b%s.example.jp", b->code);
	if (r & 0x200)
		snprintf(phone, sizeof phone, "0%c%c-%03d-%04d", b->code[0] == '0' ? '1' : b->code[0],
		    b->code[1], (int)(r >> 12) % 1000, (int)(r >> 24) % 10000);
	return xasprintf("%d,%s,%d,%s,%s,%s,%s,%d-10-%02d,%s", fy, b->code, intent, dept, contact,
	    email, phone, fy - 1, 1 + (int)((r >> 40) % 9), note);
}

static int
write_survey(const struct gen *g, const char *path, size_t n, size_t *bytes)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	fputs("fy,body_code,intent,dept,contact,email,phone,received_on,note\n", f);
	for (size_t i = 0; i < n; i++) {
		char *line = gen_survey_row(g, i);
		fputs(line, f);
		fputc('\n', f);
		free(line);
	}
	int rc = fclose(f) == 0 ? 0 : -1;
	struct stat st;
	*bytes = stat(path, &st) == 0 ? (size_t)st.st_size : 0;
	return rc;
}

int
gen_files(struct gen *g)
{
	g->bodies_csv = xasprintf("%s/bodies.csv", g->dir);
	g->small_csv = xasprintf("%s/survey1-small.csv", g->dir);
	g->large_csv = xasprintf("%s/survey1-large.csv", g->dir);
	FILE *f = fopen(g->bodies_csv, "w");
	if (f == NULL) {
		perror(g->bodies_csv);
		return -1;
	}
	fputs("code,name,name_kana,name_en,dept,contact,email,phone\n", f);
	for (size_t i = 0; i < g->nbodies; i++) {
		const struct body *b = &g->bodies[i];
		fprintf(f, "%s,%s,%s,%s,%s,,info@b%s.example.jp,\n", b->code, b->name, b->kana, b->name_en,
		    depts[i % (sizeof depts / sizeof *depts)], b->code);
	}
	if (fclose(f) != 0)
		return -1;
	size_t nb = g->nbodies - GEN_RESERVED;
	g->small_fy_from = 2025 - (int)((g->small - 1) / nb);
	g->large_fy_from = 2025 - (int)((g->large - 1) / nb);
	if (write_survey(g, g->small_csv, g->small, &g->small_bytes) != 0 ||
	    write_survey(g, g->large_csv, g->large, &g->large_bytes) != 0)
		return -1;
	return 0;
}

const struct body *
reserved_body(struct gen *g)
{
	if (g->next_reserved >= GEN_RESERVED) {
		fprintf(stderr, "bench: out of reserved bodies\n");
		abort();
	}
	return &g->bodies[g->nbodies - GEN_RESERVED + g->next_reserved++];
}

void
gen_free(struct gen *g)
{
	for (size_t i = 0; i < g->nbodies; i++) {
		free(g->bodies[i].name);
		free(g->bodies[i].kana);
		free(g->bodies[i].name_en);
	}
	free(g->bodies);
	free(g->bodies_csv);
	free(g->small_csv);
	free(g->large_csv);
	g->bodies = NULL;
}

/* Decode one UTF-8 character at *p (3-byte katakana and kin); advances *p. */
static unsigned
utf8_next(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	unsigned c;
	size_t n;
	if (s[0] < 0x80)
		c = s[0], n = 1;
	else if (s[0] < 0xE0)
		c = s[0] & 0x1F, n = 2;
	else if (s[0] < 0xF0)
		c = s[0] & 0x0F, n = 3;
	else
		c = s[0] & 0x07, n = 4;
	for (size_t i = 1; i < n && s[i]; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*p += n;
	return c;
}

static void
utf8_put(struct strbuf *sb, unsigned c)
{
	char b[4];
	if (c < 0x80) {
		sb_addc(sb, (char)c);
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		sb_add(sb, b, 2);
	} else {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		sb_add(sb, b, 3);
	}
}

char *
gen_hiragana(const char *s)
{
	struct strbuf sb = SB_INIT;
	while (*s) {
		unsigned c = utf8_next(&s);
		if (c >= 0x30A1 && c <= 0x30F6)
			c -= 0x60;
		utf8_put(&sb, c);
	}
	return sb_detach(&sb);
}

/* Half-width forms of the katakana used above (U+30A1..U+30F6). */
static const char *
halfwidth(unsigned c)
{
	static const char *const base[] = {
		/* ァ ア ィ イ ゥ ウ ェ エ ォ オ */
		"ｧ", "ｱ", "ｨ", "ｲ", "ｩ", "ｳ", "ｪ", "ｴ", "ｫ", "ｵ",
		/* カ ガ キ ギ ク グ ケ ゲ コ ゴ */
		"ｶ", "ｶﾞ", "ｷ", "ｷﾞ", "ｸ", "ｸﾞ", "ｹ", "ｹﾞ", "ｺ", "ｺﾞ",
		/* サ ザ シ ジ ス ズ セ ゼ ソ ゾ */
		"ｻ", "ｻﾞ", "ｼ", "ｼﾞ", "ｽ", "ｽﾞ", "ｾ", "ｾﾞ", "ｿ", "ｿﾞ",
		/* タ ダ チ ヂ ッ ツ ヅ テ デ ト ド */
		"ﾀ", "ﾀﾞ", "ﾁ", "ﾁﾞ", "ｯ", "ﾂ", "ﾂﾞ", "ﾃ", "ﾃﾞ", "ﾄ", "ﾄﾞ",
		/* ナ ニ ヌ ネ ノ */
		"ﾅ", "ﾆ", "ﾇ", "ﾈ", "ﾉ",
		/* ハ バ パ ヒ ビ ピ フ ブ プ ヘ ベ ペ ホ ボ ポ */
		"ﾊ", "ﾊﾞ", "ﾊﾟ", "ﾋ", "ﾋﾞ", "ﾋﾟ", "ﾌ", "ﾌﾞ", "ﾌﾟ", "ﾍ", "ﾍﾞ", "ﾍﾟ", "ﾎ", "ﾎﾞ", "ﾎﾟ",
		/* マ ミ ム メ モ */
		"ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ",
		/* ャ ヤ ュ ユ ョ ヨ */
		"ｬ", "ﾔ", "ｭ", "ﾕ", "ｮ", "ﾖ",
		/* ラ リ ル レ ロ */
		"ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ",
		/* ヮ ワ ヰ ヱ ヲ ン */
		"ﾜ", "ﾜ", "ｲ", "ｴ", "ｦ", "ﾝ",
	};
	if (c >= 0x30A1 && c - 0x30A1 < sizeof base / sizeof *base)
		return base[c - 0x30A1];
	if (c == 0x30FC)
		return "ｰ";
	return NULL;
}

char *
gen_halfwidth(const char *s)
{
	struct strbuf sb = SB_INIT;
	while (*s) {
		const char *start = s;
		unsigned c = utf8_next(&s);
		const char *h = halfwidth(c);
		if (h)
			sb_adds(&sb, h);
		else
			sb_add(&sb, start, (size_t)(s - start));
	}
	return sb_detach(&sb);
}

char *
gen_prefix_chars(const char *s, size_t n)
{
	const char *p = s;
	for (size_t i = 0; i < n && *p; i++)
		utf8_next(&p);
	return xstrndup(s, (size_t)(p - s));
}
