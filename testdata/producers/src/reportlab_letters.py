#!/usr/bin/python3
"""Write the two ReportLab fixtures into OUTDIR.

    reportlab_letters.py OUTDIR

reportlab_right_window.pdf  letter to Germany for the Pingen RIGHT window, DejaVu Sans embedded (TrueType subset)
reportlab_base14.pdf        Swiss letter for the LEFT window set in base-14 Helvetica, which ReportLab never embeds

All positions are given in mm from the TOP-LEFT corner; T() converts to ReportLab's bottom-left points.
invariant=1 makes the output byte-for-byte reproducible (fixed /ID); the dates are pinned to 2026-11-27.
"""
import os
import sys

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

PAGE_H = A4[1]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def T(x_mm, y_mm):
    """mm from the top-left -> ReportLab points from the bottom-left (for a text baseline or a point)."""
    return x_mm * mm, PAGE_H - y_mm * mm


def lines(c, x, y, leading, texts):
    for t in texts:
        c.drawString(*T(x, y), t)
        y += leading


def new_canvas(path, title, author, initial_font="Helvetica"):
    # The canvas starts every page with a Tf of its initial font; left at the default,
    # Helvetica would be listed (unembedded) even on a page that never draws with it.
    c = canvas.Canvas(path, pagesize=A4, invariant=1, pageCompression=1,
                      initialFontName=initial_font, initialFontSize=10)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("lettergate testdata/producers/src/reportlab_letters.py")
    # invariant=1 alone would stamp 2000-01-01; pin the letter's own date instead
    c.setDateFormatter(lambda *ymdhms: "D:20261127100000+00'00'")
    return c


def right_window(path):
    pdfmetrics.registerFont(TTFont("DejaVuSans", DEJAVU))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", DEJAVU_BOLD))
    c = new_canvas(path, "lettergate fixture reportlab_right_window", "Gletscher Reisen AG", "DejaVuSans")
    # letterhead, left
    c.setFont("DejaVuSans-Bold", 15)
    c.drawString(*T(25, 22), "Gletscher Reisen AG")
    c.setFont("DejaVuSans", 8)
    lines(c, 25, 28, 3.6, ["Höheweg 35", "3800 Interlaken", "Schweiz", "Telefon +41 33 000 00 00",
                           "reisen@gletscher.example"])
    # recipient, Pingen RIGHT address area: x 118-203.5, y 60-85.5 mm
    c.setFont("DejaVuSans", 10)
    lines(c, 120, 65, 4.3, ["Schmidt & Partner GmbH", "Frau Dr. Eva Schmidt", "Lindenstraße 8",
                            "10115 Berlin", "Deutschland"])
    # reference block on the left, level with the window (outside the right reserved block)
    c.setFont("DejaVuSans", 8)
    lines(c, 25, 65, 3.6, ["Ihr Zeichen: ES/2026-44", "Unser Zeichen: GR-8812", "Sachbearbeiterin: Nina Graf"])
    c.setFont("DejaVuSans", 10)
    c.drawString(*T(25, 100), "Interlaken, 27. November 2026")
    c.setFont("DejaVuSans-Bold", 11)
    c.drawString(*T(25, 112), "Gruppenreise Jungfraujoch, 14. bis 16. Mai 2027")
    c.setFont("DejaVuSans", 10)
    lines(c, 25, 124, 4.8, [
        "Sehr geehrte Frau Dr. Schmidt",
        "",
        "vielen Dank für Ihre Buchung. Hiermit bestätigen wir die Gruppenreise für 18 Personen",
        "mit zwei Übernachtungen im Hotel Eiger in Grindelwald, Halbpension, sowie die Fahrt",
        "auf das Jungfraujoch am 15. Mai 2027.",
        "",
        "Der Gesamtpreis beträgt CHF 14 940.–. Die Anzahlung von 30 % ist bis zum",
        "15. Januar 2027 fällig, der Restbetrag 30 Tage vor Reisebeginn.",
        "",
        "Die Reiseunterlagen senden wir Ihnen zwei Wochen vor der Abreise zu.",
        "",
        "Mit freundlichen Grüssen",
        "Gletscher Reisen AG",
        "",
        "",
        "Nina Graf",
    ])
    # footer, inside the safe area
    c.setLineWidth(0.4)
    c.line(*T(25, 280), *T(190, 280))
    c.setFont("DejaVuSans", 7.5)
    c.drawString(*T(25, 285), "Gletscher Reisen AG · Höheweg 35 · 3800 Interlaken · CHE-111.222.333 MWST · "
                              "IBAN CH00 0000 0000 0000 0000 0")
    c.showPage()
    c.save()


def base14(path):
    c = new_canvas(path, "lettergate fixture reportlab_base14", "Velo Huber GmbH")
    c.setFont("Helvetica-Bold", 16)
    c.drawString(*T(24, 22), "Velo Huber GmbH")
    c.setFont("Helvetica", 8)
    c.drawString(*T(24, 27.5), "Marktgasse 9 · 9000 St. Gallen · Telefon +41 71 000 00 00 · www.velo-huber.example")
    # recipient, Pingen LEFT address area: x 22-107.5, y 60-85.5 mm
    c.setFont("Helvetica", 11)
    lines(c, 24, 66, 4.6, ["Herr Luca Steiner", "Bergstrasse 22", "9100 Herisau", "Schweiz"])
    c.setFont("Helvetica", 10)
    c.drawString(*T(24, 100), "St. Gallen, 27. November 2026")
    c.setFont("Helvetica-Bold", 11)
    c.drawString(*T(24, 112), "Ihre Reparatur Nr. 4471 ist abholbereit")
    c.setFont("Helvetica", 10)
    lines(c, 24, 124, 4.8, [
        "Sehr geehrter Herr Steiner",
        "",
        "Ihr Velo ist repariert und kann ab sofort während unserer Öffnungszeiten abgeholt werden.",
        "Wir haben die Bremsbeläge ersetzt, die Kette gewechselt und die Schaltung neu eingestellt.",
        "",
        "Der Rechnungsbetrag von CHF 186.50 ist bei der Abholung zahlbar.",
        "",
        "Freundliche Grüsse",
        "Velo Huber GmbH",
        "",
        "",
        "Sandra Huber",
    ])
    c.setFont("Helvetica", 8)
    c.drawString(*T(24, 286), "Velo Huber GmbH · Marktgasse 9 · 9000 St. Gallen · Mo–Fr 8–18 Uhr, Sa 8–16 Uhr")
    c.showPage()
    c.save()


def main(out):
    right_window(os.path.join(out, "reportlab_right_window.pdf"))
    base14(os.path.join(out, "reportlab_base14.pdf"))


if __name__ == "__main__":
    main(sys.argv[1])
