package address

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ch := Options{Domestic: "CH"}
	de := Options{Domestic: "DE"}
	for _, tc := range []struct {
		name    string
		lines   string // "|" separates lines
		opts    Options
		dest    string
		country CountryStatus
		code    string // Country.Code
		post    PostcodeStatus
		postal  string // Postcode.Code when ok, else the line quoted
		prefix  string // Prefix.Text + ">" + Prefix.Code
	}{
		// Switzerland.
		{"CH domestic", "Herr Hans Muster|Seestrasse 12|8002 Zürich", ch, "CH", CountryOmitted, "", PostcodeOK, "8002", ""},
		{"CH with Schweiz", "Herr Hans Muster|Seestrasse 12|8002 Zürich|Schweiz", ch, "CH", CountryNamed, "CH", PostcodeOK, "8002", ""},
		{"CH c/o", "Frau Anna Beispiel|c/o Familie Meier|Dorfstrasse 3b|3000 Bern 1", ch, "CH", CountryOmitted, "", PostcodeOK, "3000", ""},
		{"CH Postfach line", "Muster AG|Postfach 1234|8021 Zürich", ch, "CH", CountryOmitted, "", PostcodeOK, "8021", ""},
		{"CH Postfach alone", "Muster AG|Postfach|8021 Zürich", ch, "CH", CountryOmitted, "", PostcodeOK, "8021", ""},
		{"CH case postale, same line", "Banque Exemple SA|Case postale 123, 1211 Genève 3", ch, "CH", CountryOmitted, "", PostcodeOK, "1211", ""},
		{"CH Svizzera", "Signor Mario Rossi|Via Nassa 5|6900 Lugano|SVIZZERA", ch, "CH", CountryNamed, "CH", PostcodeOK, "6900", ""},
		{"CH 3M", "3M Schweiz AG|Eggstrasse 93|8803 Rüschlikon", ch, "CH", CountryOmitted, "", PostcodeOK, "8803", ""},
		{"CH company digits last", "Studio 54 GmbH|Langstrasse 54|Studio 54 GmbH", ch, "CH", CountryOmitted, "", PostcodeBad, "Studio 54 GmbH", ""},
		{"CH no postcode line", "Herr Hans Muster|Seestrasse 12", ch, "CH", CountryOmitted, "", PostcodeBad, "Seestrasse 12", ""},
		{"CH postfach last", "Muster AG|Postfach 1234", ch, "CH", CountryOmitted, "", PostcodeBad, "Postfach 1234", ""},
		{"CH town without postcode", "Herr Hans Muster|Seestrasse 12|Zürich", ch, "CH", CountryOmitted, "", PostcodeBad, "Zürich", ""},
		{"CH 3-digit postcode", "Herr Hans Muster|Seestrasse 12|802 Zürich", ch, "CH", CountryOmitted, "", PostcodeBad, "802 Zürich", ""},
		{"CH prefix", "Herr Hans Muster|Seestrasse 12|CH-8002 Zürich", ch, "CH", CountryOmitted, "", PostcodeOK, "8002", "CH->CH"},
		{"CH ISO code line", "Herr Hans Muster|Seestrasse 12|8002 Zürich|CH", ch, "CH", CountryISO, "CH", PostcodeOK, "8002", ""},
		{"CH misspelt", "Herr Hans Muster|Seestrasse 12|8002 Zürich|Schwiiz", ch, "", CountryUnknown, "", PostcodeUnchecked, "", ""},
		{"CH name and code", "Herr Hans Muster|Seestrasse 12|8002 Zürich|Schweiz (CH)", ch, "CH", CountryUnknown, "CH", PostcodeOK, "8002", ""},

		// Liechtenstein.
		{"LI", "Muster Anstalt|Äulestrasse 5|9490 Vaduz|Liechtenstein", ch, "LI", CountryNamed, "LI", PostcodeOK, "9490", ""},
		{"LI Fürstentum", "Muster Anstalt|Postfach 123|9494 Schaan|Fürstentum Liechtenstein", ch, "LI", CountryNamed, "LI", PostcodeOK, "9494", ""},
		{"LI FL prefix", "Muster Anstalt|Äulestrasse 5|FL-9490 Vaduz", ch, "LI", CountryMissing, "", PostcodeOK, "9490", "FL->LI"},
		{"LI Swiss postcode", "Muster Anstalt|Seestrasse 5|8002 Zürich|Liechtenstein", ch, "LI", CountryNamed, "LI", PostcodeBad, "8002 Zürich", ""},

		// Germany.
		{"DE", "Frau Erika Mustermann|Hauptstr. 5a|10115 Berlin|Deutschland", ch, "DE", CountryNamed, "DE", PostcodeOK, "10115", ""},
		{"DE Germany caps", "ERIKA MUSTERMANN|HAUPTSTR. 5A|01067 DRESDEN|GERMANY", ch, "DE", CountryNamed, "DE", PostcodeOK, "01067", ""},
		{"DE Postfach", "Muster GmbH|Postfach 10 20 30|10115 Berlin|Deutschland", ch, "DE", CountryNamed, "DE", PostcodeOK, "10115", ""},
		{"DE domestic", "Muster GmbH|Hauptstr. 5a|10115 Berlin", de, "DE", CountryOmitted, "", PostcodeOK, "10115", ""},
		{"DE D- prefix", "Frau Erika Mustermann|Hauptstr. 5|D-10115 Berlin|Deutschland", ch, "DE", CountryNamed, "DE", PostcodeOK, "10115", "D->DE"},
		{"DE DE- prefix, no country", "Frau Erika Mustermann|Hauptstr. 5|DE-10115 Berlin", ch, "DE", CountryMissing, "", PostcodeOK, "10115", "DE->DE"},
		{"DE 4 digits", "Muster GmbH|Hauptstr. 5|1011 Berlin|Deutschland", ch, "DE", CountryNamed, "DE", PostcodeBad, "1011 Berlin", ""},
		{"DE ISO", "Muster GmbH|Hauptstr. 5|10115 Berlin|DE", ch, "DE", CountryISO, "DE", PostcodeOK, "10115", ""},
		{"DE Allemagne", "Muster GmbH|Hauptstr. 5|10115 Berlin|Allemagne", ch, "DE", CountryNamed, "DE", PostcodeOK, "10115", ""},

		// Austria.
		{"AT", "Herrn Mag. Max Muster|Stephansplatz 1/2/3|1010 Wien|Österreich", ch, "AT", CountryNamed, "AT", PostcodeOK, "1010", ""},
		{"AT Oesterreich", "Herrn Max Muster|Hauptplatz 1|8010 Graz|OESTERREICH", ch, "AT", CountryNamed, "AT", PostcodeOK, "8010", ""},
		{"AT A- prefix", "Herrn Max Muster|Hauptplatz 1|A-1010 Wien", ch, "AT", CountryMissing, "", PostcodeOK, "1010", "A->AT"},

		// France.
		{"FR", "Monsieur Jean Dupont|12 rue de la Paix|75008 PARIS|France", ch, "FR", CountryNamed, "FR", PostcodeOK, "75008", ""},
		{"FR CEDEX", "Société Exemple|Service clients|BP 123|75008 PARIS CEDEX 08|FRANCE", ch, "FR", CountryNamed, "FR", PostcodeOK, "75008", ""},
		{"FR Frankreich", "Société Exemple|CS 30001|69002 LYON CEDEX 02|Frankreich", ch, "FR", CountryNamed, "FR", PostcodeOK, "69002", ""},
		{"FR F- prefix", "Monsieur Jean Dupont|12 rue de la Paix|F-75001 Paris|France", ch, "FR", CountryNamed, "FR", PostcodeOK, "75001", "F->FR"},
		{"FR BP last", "Société Exemple|BP 123|France", ch, "FR", CountryNamed, "FR", PostcodeBad, "BP 123", ""},

		// Italy.
		{"IT", "Sig. Mario Rossi|Via del Corso 12|00186 ROMA RM|Italia", ch, "IT", CountryNamed, "IT", PostcodeOK, "00186", ""},
		{"IT Italien", "Spett.le Esempio S.r.l.|Casella Postale 45|20121 Milano MI|Italien", ch, "IT", CountryNamed, "IT", PostcodeOK, "20121", ""},
		{"IT I- prefix", "Sig. Mario Rossi|Via Roma 1|I-22100 Como|Italia", ch, "IT", CountryNamed, "IT", PostcodeOK, "22100", "I->IT"},

		// Spain.
		{"ES", "Sr. Juan García|Calle Mayor 5, 3º B|28013 Madrid|España", ch, "ES", CountryNamed, "ES", PostcodeOK, "28013", ""},

		// Benelux.
		{"NL", "Dhr. J. de Vries|Keizersgracht 123|1015 CJ Amsterdam|Nederland", ch, "NL", CountryNamed, "NL", PostcodeOK, "1015 CJ", ""},
		{"NL no space", "Dhr. J. de Vries|Postbus 1234|1000BE AMSTERDAM|Niederlande", ch, "NL", CountryNamed, "NL", PostcodeOK, "1000BE", ""},
		{"NL no letters", "Dhr. J. de Vries|Keizersgracht 123|1015 Amsterdam|Netherlands", ch, "NL", CountryNamed, "NL", PostcodeBad, "1015 Amsterdam", ""},
		{"NL SS", "Dhr. J. de Vries|Keizersgracht 123|1015 SS Amsterdam|Holland", ch, "NL", CountryNamed, "NL", PostcodeBad, "1015 SS Amsterdam", ""},
		{"BE", "Madame Claire Dubois|Rue de la Loi 16|1000 Bruxelles|Belgique", ch, "BE", CountryNamed, "BE", PostcodeOK, "1000", ""},
		{"BE België", "Mevrouw An Peeters|Meir 1|2000 Antwerpen|België", ch, "BE", CountryNamed, "BE", PostcodeOK, "2000", ""},
		{"LU L- prefix", "Monsieur Luc Weber|12, rue du Fort|L-1234 Luxembourg|Luxembourg", ch, "LU", CountryNamed, "LU", PostcodeOK, "1234", "L->LU"},

		// United Kingdom: postcode alone or after the town.
		{"GB SW1A 1AA", "The King|Buckingham Palace|London|SW1A 1AA|United Kingdom", ch, "GB", CountryNamed, "GB", PostcodeOK, "SW1A 1AA", ""},
		{"GB M1 1AE", "Ms Jane Smith|1 Piccadilly|MANCHESTER M1 1AE|UK", ch, "GB", CountryNamed, "GB", PostcodeOK, "M1 1AE", ""},
		{"GB B33 8TH", "Mr John Smith|10 High Street|Birmingham B33 8TH|Great Britain", ch, "GB", CountryNamed, "GB", PostcodeOK, "B33 8TH", ""},
		{"GB CR2 6XH", "Mr John Smith|5 Park Lane|Croydon, CR2 6XH|England", ch, "GB", CountryNamed, "GB", PostcodeOK, "CR2 6XH", ""},
		{"GB DN55 1PT", "Example Ltd|Unit 4|Doncaster|DN55 1PT|Grossbritannien", ch, "GB", CountryNamed, "GB", PostcodeOK, "DN55 1PT", ""},
		{"GB EC1A 1BB", "Example Ltd|1 St Martin's Le Grand|LONDON|EC1A 1BB|Vereinigtes Königreich", ch, "GB", CountryNamed, "GB", PostcodeOK, "EC1A 1BB", ""},
		{"GB GIR 0AA", "Girobank|Bootle|GIR 0AA|United Kingdom", ch, "GB", CountryNamed, "GB", PostcodeOK, "GIR 0AA", ""},
		{"GB W1A 0AX", "BBC|Broadcasting House|London W1A 0AX|Scotland", ch, "GB", CountryNamed, "GB", PostcodeOK, "W1A 0AX", ""},
		{"GB no space", "Ms Jane Smith|Edinburgh EH11AB|Scotland", ch, "GB", CountryNamed, "GB", PostcodeOK, "EH11AB", ""},
		{"GB domestic", "Ms Jane Smith|10 Downing Street|London|SW1A 2AA", Options{Domestic: "GB"}, "GB", CountryOmitted, "", PostcodeOK, "SW1A 2AA", ""},
		{"GB bad postcode", "Ms Jane Smith|10 Downing Street|London SW1|United Kingdom", ch, "GB", CountryNamed, "GB", PostcodeBad, "London SW1", ""},
		{"GB postcode first", "Ms Jane Smith|10 Downing Street|SW1A 2AA London|United Kingdom", ch, "GB", CountryNamed, "GB", PostcodeBad, "SW1A 2AA London", ""},

		// United States.
		{"US", "Mr. John Doe|1600 Pennsylvania Ave NW|Washington, DC 20500|USA", ch, "US", CountryNamed, "US", PostcodeOK, "20500", ""},
		{"US ZIP+4", "Jane Roe|350 Fifth Avenue, Suite 3000|New York NY 10118-0110|United States of America", ch, "US", CountryNamed, "US", PostcodeOK, "10118-0110", ""},
		{"US bad state", "Jane Roe|1 Main St|Springfield, XX 62701|U.S.A.", ch, "US", CountryNamed, "US", PostcodeBad, "Springfield, XX 62701", ""},

		// Elsewhere: no postcode check.
		{"JP", "Mr Taro Yamada|1-1 Chiyoda|Tokyo 100-8111|Japan", ch, "JP", CountryNamed, "JP", PostcodeUnchecked, "", ""},

		// Missing country lines and forced destinations.
		{"abroad without country", "Frau Erika Mustermann|Hauptstr. 5|10115 Berlin", Options{Domestic: "CH", Destination: "DE"}, "DE", CountryMissing, "", PostcodeOK, "10115", ""},
		{"forced domestic", "Herr Hans Muster|Seestrasse 12|8002 Zürich", Options{Domestic: "CH", Destination: "ch"}, "CH", CountryOmitted, "", PostcodeOK, "8002", ""},
		{"forced conflict", "Frau Erika Mustermann|Hauptstr. 5|10115 Berlin|Deutschland", Options{Domestic: "CH", Destination: "AT"}, "AT", CountryConflict, "DE", PostcodeBad, "10115 Berlin", ""},
		{"domestic that needs a country line", "M. Raj Kumar|12 MG Road|Bengaluru 560001", Options{Domestic: "IT"}, "IT", CountryMissing, "", PostcodeBad, "Bengaluru 560001", ""},
		{"no domestic country", "Herr Hans Muster|Seestrasse 12|8002 Zürich", Options{}, "", CountryMissing, "", PostcodeUnchecked, "", ""},

		// Odd input.
		{"empty", "", ch, "CH", CountryOmitted, "", PostcodeUnchecked, "", ""},
		{"blank lines", "Herr Hans Muster||  |Seestrasse 12|8002 Zürich| ", ch, "CH", CountryOmitted, "", PostcodeOK, "8002", ""},
		{"one line", "Schweiz", ch, "CH", CountryNamed, "CH", PostcodeUnchecked, "", ""},
		{"ligature and nbsp", "Herr Hans Muster|Schiﬀlände 3|8001\u00a0Zürich|Schweiz\u00ad", ch, "CH", CountryNamed, "CH", PostcodeOK, "8001", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.Split(tc.lines, "|")
			r := Parse(lines, tc.opts)
			if r.Destination != tc.dest {
				t.Errorf("destination %q, want %q", r.Destination, tc.dest)
			}
			if r.Country.Status != tc.country || r.Country.Code != tc.code {
				t.Errorf("country %+v, want %s %q", r.Country, tc.country, tc.code)
			}
			if r.Postcode.Status != tc.post {
				t.Errorf("postcode %+v, want %s", r.Postcode, tc.post)
			}
			switch tc.post {
			case PostcodeOK:
				if r.Postcode.Code != tc.postal {
					t.Errorf("postcode %q, want %q", r.Postcode.Code, tc.postal)
				}
			case PostcodeBad:
				if r.Postcode.Line != tc.postal || r.Postcode.Format == "" {
					t.Errorf("postcode line %q (format %q), want %q", r.Postcode.Line, r.Postcode.Format, tc.postal)
				}
			}
			if r.Postcode.Status != PostcodeUnchecked && strings.TrimSpace(lines[r.Postcode.Index]) != r.Postcode.Line && tc.name != "ligature and nbsp" {
				t.Errorf("postcode index %d is %q, not %q", r.Postcode.Index, lines[r.Postcode.Index], r.Postcode.Line)
			}
			got := ""
			if r.Prefix != nil {
				got = r.Prefix.Text + ">" + r.Prefix.Code
			}
			if got != tc.prefix {
				t.Errorf("prefix %q, want %q", got, tc.prefix)
			}
		})
	}
}

func TestParsePrefixVerdicts(t *testing.T) {
	for _, tc := range []struct {
		line                   string
		forbidden, recommended bool
	}{
		{"D-10115 Berlin", true, false},
		{"DE-10115 Berlin", true, false},
		{"L-1234 Luxembourg", false, true},
		{"CH-8002 Zürich", false, false},
		{"A - 1010 Wien", false, false},
		{"F–75001 Paris", false, false}, // en dash
	} {
		r := Parse([]string{"Name", "Street 1", tc.line}, Options{Domestic: "CH"})
		if r.Prefix == nil || r.Prefix.Forbidden != tc.forbidden || r.Prefix.Recommended != tc.recommended {
			t.Errorf("%q: prefix %+v", tc.line, r.Prefix)
		}
	}
	for _, line := range []string{"AB-1234 Town", "Seestrasse 12", "8002 Zürich", "c/o X-1 Studio"} {
		if r := Parse([]string{"Name", line}, Options{Domestic: "CH"}); r.Prefix != nil {
			t.Errorf("%q: prefix %+v, want none", line, r.Prefix)
		}
	}
}

func TestParseIndexes(t *testing.T) {
	lines := []string{"", "Herr Hans Muster", "Seestrasse 12", "", "8002 Zürich", "Schweiz", ""}
	r := Parse(lines, Options{Domestic: "CH"})
	if r.Country.Index != 5 || r.Country.Line != "Schweiz" || r.Postcode.Index != 4 {
		t.Errorf("country %+v, postcode %+v", r.Country, r.Postcode)
	}
	r = Parse([]string{"Herr Hans Muster", "8002 Zürich"}, Options{Domestic: "CH"})
	if r.Country.Index != -1 || r.Country.Line != "" {
		t.Errorf("country %+v: want no line", r.Country)
	}
}
