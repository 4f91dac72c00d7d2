package pingen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/lettergate/lettergate/pingen/internal/vocab"
)

// Status is a letter's status. Pingen publishes no complete list, so any
// string may come back; the constants are the values seen in use.
type Status string

// Known letter statuses (pingen-rules.md B1).
const (
	StatusValidating       Status = "validating"
	StatusValid            Status = "valid"
	StatusInvalid          Status = "invalid"
	StatusActionRequired   Status = "action_required"
	StatusFixing           Status = "fixing"
	StatusSubmitted        Status = "submitted"
	StatusAwaitingCredits  Status = "awaiting_credits"
	StatusAccepted         Status = "accepted"
	StatusInspection       Status = "inspection"
	StatusProcessing       Status = "processing"
	StatusPrinting         Status = "printing"
	StatusTransferring     Status = "transferring"
	StatusSent             Status = "sent"
	StatusDelivered        Status = "delivered"
	StatusUndeliverable    Status = "undeliverable"
	StatusUnprintable      Status = "unprintable"
	StatusRejected         Status = "rejected"
	StatusExpired          Status = "expired"
	StatusCancelling       Status = "cancelling"
	StatusCancelled        Status = "cancelled"
	StatusCancelledExpired Status = "cancelled_expired"

	// StatusDeleted is not Pingen's: the journal records it for a letter
	// Pingen answers 404 for, which was deleted (or never existed there).
	StatusDeleted Status = "deleted"
)

// refused reports whether Pingen's validation refused the letter, so that
// it will not be sent as it is: action_required can be fixed in Pingen's
// app, invalid cannot.
func (s Status) refused() bool { return s == StatusActionRequired || s == StatusInvalid }

// Product is a delivery product. Requests use the generic values below;
// responses may carry carrier-specific ones such as "postag_b".
type Product string

// Generic delivery products accepted on create and send.
const (
	ProductFast       Product = "fast"
	ProductCheap      Product = "cheap"
	ProductBulk       Product = "bulk"
	ProductPremium    Product = "premium"
	ProductRegistered Product = "registered"
)

// KnownProducts returns the delivery products Pingen is known to accept:
// the spec's generic ones first, in the spec's order, then the
// carrier-specific ones seen accepted live (pingen-api.md C7, C10). Pingen's
// set is open, so requests take any Product; the list is for checking user
// input, where a typo would cost a refused letter.
func KnownProducts() []Product {
	out := make([]Product, 0, len(vocab.GenericProducts)+len(vocab.CarrierProducts))
	for _, p := range vocab.GenericProducts {
		out = append(out, Product(p))
	}
	for _, p := range vocab.CarrierProducts {
		out = append(out, Product(p))
	}
	return out
}

// Generic reports whether p is one of the spec's generic products rather
// than a carrier-specific one.
func (p Product) Generic() bool { return slices.Contains(vocab.GenericProducts, string(p)) }

// PrintMode says whether both sides of a sheet are printed.
type PrintMode string

// Print modes.
const (
	Simplex PrintMode = "simplex"
	Duplex  PrintMode = "duplex"
)

// Spectrum is colour or grayscale printing.
type Spectrum string

// Print spectra.
const (
	Color     Spectrum = "color"
	Grayscale Spectrum = "grayscale"
)

// AddressPosition is the side of the envelope window, which selects the
// page-1 layout Pingen checks.
type AddressPosition string

// Address positions.
const (
	AddressLeft  AddressPosition = "left"
	AddressRight AddressPosition = "right"
)

// LetterOptions are the choices made for one letter. Product, PrintMode and
// Spectrum are required when AutoSend is set and when sending.
type LetterOptions struct {
	AddressPosition AddressPosition `json:"address_position"`
	Product         Product         `json:"delivery_product,omitempty"`
	PrintMode       PrintMode       `json:"print_mode,omitempty"`
	Spectrum        Spectrum        `json:"print_spectrum,omitempty"`
	AutoSend        bool            `json:"auto_send"`
}

// check rejects values Pingen would refuse on create. Products stay open:
// Pingen also accepts carrier-specific ones.
func (o LetterOptions) check() error {
	switch o.AddressPosition {
	case AddressLeft, AddressRight:
	default:
		return fmt.Errorf("address position %q: want left or right", o.AddressPosition)
	}
	return o.checkDelivery(o.AutoSend)
}

// checkDelivery checks product, print mode and spectrum; when required is
// false each may be empty, as Pingen allows for letters not sent yet.
func (o LetterOptions) checkDelivery(required bool) error {
	if required && o.Product == "" {
		return fmt.Errorf("delivery product missing")
	}
	switch o.PrintMode {
	case Simplex, Duplex:
	case "":
		if required {
			return fmt.Errorf("print mode missing")
		}
	default:
		return fmt.Errorf("print mode %q: want simplex or duplex", o.PrintMode)
	}
	switch o.Spectrum {
	case Color, Grayscale:
	case "":
		if required {
			return fmt.Errorf("print spectrum missing")
		}
	default:
		return fmt.Errorf("print spectrum %q: want color or grayscale", o.Spectrum)
	}
	return nil
}

// Letter is a letter as Pingen reports it.
type Letter struct {
	ID               string
	Status           Status
	FileOriginalName string
	FilePages        int
	Address          string // recipient address as read from the window
	AddressPosition  AddressPosition
	Country          string
	Product          Product
	PrintMode        PrintMode
	Spectrum         Spectrum
	PriceCurrency    string
	PriceValue       float64
	PaperTypes       []string
	Fonts            []Font
	Source           string
	TrackingNumber   string
	SubmittedAt      time.Time // zero until submitted
	CreatedAt        time.Time
	UpdatedAt        time.Time

	// Abilities maps an action name such as "cancel" or "submit" to "ok",
	// "state" or "permission". Only Client.Letter fills it.
	Abilities map[string]string
}

// Can reports whether Pingen currently allows the named ability.
func (l Letter) Can(ability string) bool { return l.Abilities[ability] == "ok" }

// Font is a font used in a letter's PDF.
type Font struct {
	Name     string
	Embedded bool
}

// Event is one entry in a letter's history.
type Event struct {
	ID        string
	Code      string // for example "content_passed_inspection"; an open set
	Name      string // human-readable, in English
	Producer  string
	Location  string
	HasImage  bool
	EmittedAt time.Time
	CreatedAt time.Time
}

// Upload is a file stored in Pingen's transfer storage, ready to be named in
// a create request. URL and Signature must be passed on verbatim.
type Upload struct {
	URL       string    `json:"url"`
	Signature string    `json:"signature"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Price is the cost of a letter, excluding VAT.
type Price struct {
	Currency string
	Amount   float64
}

// timeLayout is Pingen's timestamp format: no colon in the offset.
const timeLayout = "2006-01-02T15:04:05-0700"

// apiTime reads Pingen timestamps, null, and RFC 3339 for good measure.
type apiTime struct{ time.Time }

func (t *apiTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if s == "" {
		return nil
	}
	for _, layout := range []string{timeLayout, time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("timestamp %q: not in Pingen's format", s)
}

// looseBool reads true, false, 1, 0 and null: the spec's example gives
// is_embedded as a number.
type looseBool bool

func (v *looseBool) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true", "1":
		*v = true
	case "false", "0", "null":
		*v = false
	default:
		return fmt.Errorf("boolean: unexpected %.20s", b)
	}
	return nil
}

// looseNumber reads a number, a numeric string, or null.
type looseNumber float64

func (v *looseNumber) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	if s == "null" || s == "" {
		*v = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("number: unexpected %.20s", b)
	}
	*v = looseNumber(f)
	return nil
}

// looseString reads a string or null; a number is kept as its text.
type looseString string

func (v *looseString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*v = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = looseString(s)
		return nil
	}
	*v = looseString(b)
	return nil
}
