#!/usr/bin/python3
"""Write the three LibreOffice letter sources (flat ODT) and the logo PNG into OUTDIR.

    lo_variants.py OUTDIR

lo_letter_pass.fodt    2 pages, address with country line, footer inside the safe area
lo_footer_border.fodt  1 page, domestic address without country, footer pushed into the bottom border
lo_logo_border.fodt    1 page, like the pass letter but with a logo image reaching into the top border
"""
import os
import re
import sys

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))

PARAS_SHORT = [
    "Besten Dank für die Unterlagen zu Ihrer Steuererklärung 2025, die wir am 12. November 2026 erhalten haben. "
    "Wir haben die Belege geprüft und die Erklärung gemäss Ihren Angaben vorbereitet.",
    "Bitte kontrollieren Sie die beiliegende Zusammenstellung, insbesondere die Angaben zu den Berufsauslagen und "
    "zu den Beiträgen an die Säule 3a. Sind alle Angaben korrekt, unterzeichnen Sie die Erklärung bitte und senden "
    "Sie sie uns bis zum 15. Dezember 2026 zurück; wir reichen sie anschliessend fristgerecht beim kantonalen "
    "Steueramt ein.",
    "Für Fragen steht Ihnen unsere Mandatsleiterin Petra Beispiel gerne zur Verfügung.",
]

PARAS_LONG = PARAS_SHORT[:2] + [
    "Zu einzelnen Positionen haben wir folgende Bemerkungen. Die Fahrkosten zum Arbeitsort haben wir mit dem "
    "Abonnement des öffentlichen Verkehrs begründet, da die Benützung des Privatfahrzeugs gemäss Wegleitung nur bei "
    "einer wesentlichen Zeitersparnis abzugsfähig ist. Die Weiterbildungskosten sind vollständig belegt und wurden "
    "in voller Höhe berücksichtigt.",
    "Bei den Liegenschaftskosten haben wir die Pauschale gewählt, da die effektiven Unterhaltskosten im Jahr 2025 "
    "tiefer lagen als der Pauschalabzug. Sollten Sie im kommenden Jahr grössere Renovationen planen, lohnt sich "
    "eine frühzeitige Besprechung, damit die Kosten optimal auf mehrere Steuerperioden verteilt werden können.",
    "Die Wertschriften haben wir gemäss dem Steuerauszug Ihrer Bank erfasst. Die Verrechnungssteuer von "
    "CHF 412.35 wird Ihnen mit der Veranlagung zurückerstattet. Für die ausländischen Dividenden haben wir den "
    "Antrag auf zusätzlichen Steuerrückbehalt beigelegt.",
    "Die provisorische Steuerrechnung für das Jahr 2026 beträgt gemäss unseren Berechnungen voraussichtlich "
    "CHF 18 240.–. Wir empfehlen Ihnen, die Raten wie bisher fristgerecht zu überweisen, damit kein Verzugszins "
    "anfällt. Einen Zahlungsplan mit den Fälligkeiten finden Sie in der Beilage.",
    "Im Hinblick auf die Steuerperiode 2026 möchten wir Sie zudem auf die neuen Abzüge für Kinderbetreuungskosten "
    "hinweisen. Bewahren Sie bitte sämtliche Rechnungen der Kindertagesstätte auf; wir berücksichtigen sie gerne "
    "in der nächsten Erklärung.",
    "Schliesslich bitten wir Sie, uns allfällige Änderungen Ihrer persönlichen Verhältnisse, etwa einen Umzug, "
    "eine Heirat oder einen Stellenwechsel, frühzeitig mitzuteilen. So können wir die Auswirkungen auf Ihre "
    "Steuerbelastung rechtzeitig abschätzen.",
    "Wir danken Ihnen für das entgegengebrachte Vertrauen und freuen uns auf die weitere Zusammenarbeit.",
    PARAS_SHORT[2],
    "Beilagen: Steuererklärung 2025 (Entwurf), Zusammenstellung der Abzüge, Zahlungsplan 2026",
]

ADDR_CH_WITH_COUNTRY = ["Herr Hans Müller", "Seestrasse 12", "8002 Zürich", "Schweiz"]
ADDR_CH_DOMESTIC = ["Frau Anna Keller", "Rue du Lac 5", "1003 Lausanne"]

LOGO_FRAME = (
    '<draw:frame draw:style-name="fr1" draw:name="Logo" text:anchor-type="page" text:anchor-page-number="1" '
    'svg:x="158mm" svg:y="3mm" svg:width="35mm" svg:height="18mm" draw:z-index="1">'
    '<draw:image xlink:href="logo.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
    "</draw:frame>"
)

VARIANTS = {
    "lo_letter_pass": dict(
        TITLE="lettergate fixture lo_letter_pass", FOOTER_MARGIN="9.5mm", LOGO_FRAME="",
        address=ADDR_CH_WITH_COUNTRY, SUBJECT="Ihre Steuererklärung 2025",
        SALUTATION="Sehr geehrter Herr Müller", paras=PARAS_LONG),
    "lo_footer_border": dict(
        TITLE="lettergate fixture lo_footer_border", FOOTER_MARGIN="3.6mm", LOGO_FRAME="",
        address=ADDR_CH_DOMESTIC, SUBJECT="Ihre Steuererklärung 2025",
        SALUTATION="Sehr geehrte Frau Keller", paras=PARAS_SHORT),
    "lo_logo_border": dict(
        TITLE="lettergate fixture lo_logo_border", FOOTER_MARGIN="9.5mm", LOGO_FRAME=LOGO_FRAME,
        address=ADDR_CH_WITH_COUNTRY, SUBJECT="Ihre Steuererklärung 2025",
        SALUTATION="Sehr geehrter Herr Müller", paras=PARAS_SHORT),
}


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def logo(path):
    """35 x 18 mm at 300 dpi: solid dark-blue field (no white margin, so ink box = image box)."""
    w, h = 413, 213
    im = Image.new("RGB", (w, h), (31, 58, 104))
    d = ImageDraw.Draw(im)
    d.rectangle([0, h - 40, w, h], fill=(230, 120, 30))
    # a simple "MT" monogram from rectangles (no font dependency)
    for x0, y0, x1, y1 in [(40, 30, 70, 150), (70, 30, 100, 80), (100, 60, 120, 110), (120, 30, 150, 80),
                           (150, 30, 180, 150), (210, 30, 330, 60), (255, 60, 285, 150)]:
        d.rectangle([x0, y0, x1, y1], fill=(255, 255, 255))
    im.save(path, optimize=True)


def main(out):
    tmpl = open(os.path.join(HERE, "lo_letter.fodt.in"), encoding="utf-8").read()
    for name, v in VARIANTS.items():
        s = tmpl
        for key in ("TITLE", "FOOTER_MARGIN", "LOGO_FRAME", "SUBJECT", "SALUTATION"):
            val = v[key] if key == "LOGO_FRAME" else esc(v[key])
            s = s.replace("@%s@" % key, val)
        s = s.replace("@ADDRESS@", "\n".join(
            '     <text:p text:style-name="Address">%s</text:p>' % esc(l) for l in v["address"]))
        s = s.replace("@BODY@", "\n".join(
            '   <text:p text:style-name="Body">%s</text:p>' % esc(p) for p in v["paras"]))
        assert not re.search(r"@[A-Z_]+@", s.split("-->", 1)[1]), name
        with open(os.path.join(out, name + ".fodt"), "w", encoding="utf-8") as f:
            f.write(s)
    logo(os.path.join(out, "logo.png"))


if __name__ == "__main__":
    main(sys.argv[1])
