package pingen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// NewLetter is what CreateLetter needs.
type NewLetter struct {
	FileName string // file_original_name, 5 to 255 characters
	File     Upload
	Options  LetterOptions
	// IdempotencyKey identifies this creation to Pingen for 24 hours; empty
	// means a fresh random key. It is reused on every retry either way.
	IdempotencyKey string
}

// Upload stores pdf in Pingen's transfer storage: it asks for a presigned
// URL, then PUTs the bytes there without credentials. A failed PUT is retried
// with a fresh URL, since a presigned URL works only once.
func (c *Client) Upload(ctx context.Context, pdf []byte) (Upload, error) {
	if len(pdf) == 0 {
		return Upload{}, errors.New("upload: empty file")
	}
	for attempt := 1; ; attempt++ {
		up, err := c.uploadURL(ctx)
		if err != nil {
			return Upload{}, fmt.Errorf("upload: %w", err)
		}
		wait, retry, err := c.put(ctx, up.URL, pdf, attempt)
		if err == nil {
			return up, nil
		}
		if !retry || attempt >= c.attempts || ctx.Err() != nil {
			return Upload{}, fmt.Errorf("upload: %w", err)
		}
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return Upload{}, fmt.Errorf("upload: %w", err)
		}
	}
}

func (c *Client) uploadURL(ctx context.Context) (Upload, error) {
	resp, err := c.call(ctx, http.MethodGet, "/file-upload", nil, nil, "")
	if err != nil {
		return Upload{}, err
	}
	var doc struct {
		Data struct {
			Type       string `json:"type"`
			Attributes struct {
				URL          string  `json:"url"`
				URLSignature string  `json:"url_signature"`
				ExpiresAt    apiTime `json:"expires_at"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp.body, &doc); err != nil {
		return Upload{}, fmt.Errorf("file-upload response: %w (request id %s)", err, resp.requestID)
	}
	a := doc.Data.Attributes
	if u, err := url.Parse(a.URL); err != nil || !u.IsAbs() || a.URLSignature == "" {
		return Upload{}, fmt.Errorf("file-upload response without usable url and url_signature (request id %s)", resp.requestID)
	}
	return Upload{URL: a.URL, Signature: a.URLSignature, ExpiresAt: a.ExpiresAt.Time}, nil
}

// put sends pdf to a presigned URL. It reports how long to wait before
// trying again with a fresh URL, and whether that could help.
func (c *Client) put(ctx context.Context, u string, pdf []byte, attempt int) (time.Duration, bool, error) {
	// A bytes.Reader gives a known Content-Length: the storage refuses
	// chunked uploads. No Authorization: it would break the presigned
	// signature.
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(pdf))
	if err != nil {
		return 0, false, errors.New("PUT: malformed upload URL")
	}
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("User-Agent", userAgent)
	res, err := c.hc.Do(req)
	if err != nil {
		// The URL carries the presigned signature: keep its query out.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
		}
		return c.backoff(attempt), true, err
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if res.StatusCode/100 == 2 {
		return 0, false, nil
	}
	err = fmt.Errorf("PUT %s: storage answered %d %s", req.URL.Host, res.StatusCode, http.StatusText(res.StatusCode))
	wait := c.backoff(attempt)
	if ra, ok := retryAfter(res.Header, c.clock.Now()); ok {
		wait = ra
	}
	switch s := res.StatusCode; {
	case s == http.StatusForbidden: // expired or used URL: a fresh one may work
	case s == http.StatusTooManyRequests, s >= 500 && s != http.StatusNotImplemented:
	default:
		return 0, false, err
	}
	return wait, wait <= maxRetryWait, err
}

type resourceDoc struct {
	Data resourceObj `json:"data"`
}

type resourceObj struct {
	ID         string `json:"id,omitempty"`
	Type       string `json:"type"`
	Attributes any    `json:"attributes,omitempty"`
}

type createAttributes struct {
	FileOriginalName string          `json:"file_original_name"`
	FileURL          string          `json:"file_url"`
	FileURLSignature string          `json:"file_url_signature"`
	AddressPosition  AddressPosition `json:"address_position"`
	AutoSend         bool            `json:"auto_send"`
	DeliveryProduct  Product         `json:"delivery_product,omitempty"`
	PrintMode        PrintMode       `json:"print_mode,omitempty"`
	PrintSpectrum    Spectrum        `json:"print_spectrum,omitempty"`
}

type sendAttributes struct {
	DeliveryProduct Product   `json:"delivery_product"`
	PrintMode       PrintMode `json:"print_mode"`
	PrintSpectrum   Spectrum  `json:"print_spectrum"`
}

func createDoc(name string, f Upload, o LetterOptions) resourceDoc {
	return resourceDoc{Data: resourceObj{Type: "letters", Attributes: createAttributes{
		FileOriginalName: name,
		FileURL:          f.URL,
		FileURLSignature: f.Signature,
		AddressPosition:  o.AddressPosition,
		AutoSend:         o.AutoSend,
		DeliveryProduct:  o.Product,
		PrintMode:        o.PrintMode,
		PrintSpectrum:    o.Spectrum,
	}}}
}

func sendDoc(id string, o LetterOptions) resourceDoc {
	return resourceDoc{Data: resourceObj{ID: id, Type: "letters", Attributes: sendAttributes{
		DeliveryProduct: o.Product, PrintMode: o.PrintMode, PrintSpectrum: o.Spectrum,
	}}}
}

func checkFileName(name string) error {
	if n := len([]rune(name)); n < 5 || n > 255 {
		return fmt.Errorf("file name %q: Pingen needs 5 to 255 characters", name)
	}
	return nil
}

func (c *Client) lettersPath() string {
	return "/organisations/" + c.cfg.OrganisationID + "/deliveries/letters"
}

// CreateLetter creates a letter from an uploaded file. Pingen answers with
// status validating; the verdict comes later.
func (c *Client) CreateLetter(ctx context.Context, nl NewLetter) (Letter, error) {
	if err := checkFileName(nl.FileName); err != nil {
		return Letter{}, fmt.Errorf("create letter: %w", err)
	}
	if err := nl.Options.check(); err != nil {
		return Letter{}, fmt.Errorf("create letter: %w", err)
	}
	if nl.File.URL == "" || nl.File.Signature == "" {
		return Letter{}, errors.New("create letter: no uploaded file")
	}
	resp, err := c.call(ctx, http.MethodPost, c.lettersPath(), nil,
		createDoc(nl.FileName, nl.File, nl.Options), nl.IdempotencyKey)
	if err != nil {
		return Letter{}, fmt.Errorf("create letter: %w", err)
	}
	l, err := decodeLetter(resp)
	if err != nil {
		return Letter{}, fmt.Errorf("create letter: %w", err)
	}
	return l, nil
}

// Letter fetches a letter, with its abilities.
func (c *Client) Letter(ctx context.Context, id string) (Letter, error) {
	if err := checkID(id); err != nil {
		return Letter{}, fmt.Errorf("get letter: %w", err)
	}
	resp, err := c.call(ctx, http.MethodGet, c.lettersPath()+"/"+id, nil, nil, "")
	if err != nil {
		return Letter{}, fmt.Errorf("get letter %s: %w", id, err)
	}
	l, err := decodeLetter(resp)
	if err != nil {
		return Letter{}, fmt.Errorf("get letter %s: %w", id, err)
	}
	return l, nil
}

// LetterEvents returns a letter's history, oldest first, all pages.
func (c *Client) LetterEvents(ctx context.Context, id string) ([]Event, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("letter events: %w", err)
	}
	var events []Event
	err := c.list(ctx, c.lettersPath()+"/"+id+"/events", url.Values{}, func(raw json.RawMessage) (bool, error) {
		var o struct {
			ID         string `json:"id"`
			Attributes struct {
				Code      looseString `json:"code"`
				Name      looseString `json:"name"`
				Producer  looseString `json:"producer"`
				Location  looseString `json:"location"`
				HasImage  looseBool   `json:"has_image"`
				EmittedAt apiTime     `json:"emitted_at"`
				CreatedAt apiTime     `json:"created_at"`
			} `json:"attributes"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return false, err
		}
		a := o.Attributes
		events = append(events, Event{
			ID: o.ID, Code: string(a.Code), Name: string(a.Name), Producer: string(a.Producer),
			Location: string(a.Location), HasImage: bool(a.HasImage),
			EmittedAt: a.EmittedAt.Time, CreatedAt: a.CreatedAt.Time,
		})
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("letter %s events: %w", id, err)
	}
	return events, nil
}

// SendLetter submits a valid letter for printing with the product, print
// mode and spectrum of opts. key works as in NewLetter.
func (c *Client) SendLetter(ctx context.Context, id string, opts LetterOptions, key string) (Letter, error) {
	if err := checkID(id); err != nil {
		return Letter{}, fmt.Errorf("send letter: %w", err)
	}
	if err := opts.checkDelivery(true); err != nil {
		return Letter{}, fmt.Errorf("send letter %s: %w", id, err)
	}
	resp, err := c.call(ctx, http.MethodPatch, c.lettersPath()+"/"+id+"/send", nil, sendDoc(id, opts), key)
	if err != nil {
		return Letter{}, fmt.Errorf("send letter %s: %w", id, err)
	}
	l, err := decodeLetter(resp)
	if err != nil {
		return Letter{}, fmt.Errorf("send letter %s: %w", id, err)
	}
	return l, nil
}

// CancelLetter asks Pingen to stop a submitted letter, which it allows while
// the letter is in print preparation (ability "cancel").
func (c *Client) CancelLetter(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("cancel letter: %w", err)
	}
	if _, err := c.call(ctx, http.MethodPatch, c.lettersPath()+"/"+id+"/cancel", nil, nil, ""); err != nil {
		return fmt.Errorf("cancel letter %s: %w", id, err)
	}
	return nil
}

// DeleteLetter deletes a letter that has not been sent.
func (c *Client) DeleteLetter(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("delete letter: %w", err)
	}
	if _, err := c.call(ctx, http.MethodDelete, c.lettersPath()+"/"+id, nil, nil, ""); err != nil {
		return fmt.Errorf("delete letter %s: %w", id, err)
	}
	return nil
}

// CalculatePrice asks what a letter to country (ISO 3166-1 alpha-2) would
// cost. paperTypes has one entry per page: "normal", or a payment-slip type
// such as "qr". It returns ErrPriceNotReady when Pingen has no answer yet.
func (c *Client) CalculatePrice(ctx context.Context, country string, paperTypes []string, opts LetterOptions) (Price, error) {
	if len(country) != 2 {
		return Price{}, fmt.Errorf("calculate price: country %q: want a two-letter ISO code", country)
	}
	if len(paperTypes) == 0 {
		return Price{}, errors.New("calculate price: no pages")
	}
	if err := opts.checkDelivery(true); err != nil {
		return Price{}, fmt.Errorf("calculate price: %w", err)
	}
	type attrs struct {
		Country         string    `json:"country"`
		PaperTypes      []string  `json:"paper_types"`
		PrintMode       PrintMode `json:"print_mode"`
		PrintSpectrum   Spectrum  `json:"print_spectrum"`
		DeliveryProduct Product   `json:"delivery_product"`
	}
	doc := resourceDoc{Data: resourceObj{Type: "letter_price_calculator", Attributes: attrs{
		Country: country, PaperTypes: paperTypes, PrintMode: opts.PrintMode,
		PrintSpectrum: opts.Spectrum, DeliveryProduct: opts.Product,
	}}}
	resp, err := c.call(ctx, http.MethodPost, c.lettersPath()+"/price-calculator", nil, doc, "")
	if err != nil {
		return Price{}, fmt.Errorf("calculate price: %w", err)
	}
	if resp.status == http.StatusAccepted || len(bytes.TrimSpace(resp.body)) == 0 {
		return Price{}, ErrPriceNotReady
	}
	var out struct {
		Data struct {
			Attributes struct {
				Currency looseString `json:"currency"`
				Price    looseNumber `json:"price"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp.body, &out); err != nil {
		return Price{}, fmt.Errorf("calculate price: %w (request id %s)", err, resp.requestID)
	}
	return Price{Currency: string(out.Data.Attributes.Currency), Amount: float64(out.Data.Attributes.Price)}, nil
}

// lettersSince returns the letters created at or after since, newest first.
// It pages through the list sorted by creation time rather than using a
// filter, whose field support Pingen does not document.
func (c *Client) lettersSince(ctx context.Context, since time.Time) ([]Letter, error) {
	var out []Letter
	q := url.Values{"sort": {"-created_at"}}
	err := c.list(ctx, c.lettersPath(), q, func(raw json.RawMessage) (bool, error) {
		l, err := letterFrom(raw)
		if err != nil {
			return false, err
		}
		if l.CreatedAt.Before(since) {
			return false, nil
		}
		out = append(out, l)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list letters: %w", err)
	}
	return out, nil
}

// list pages through a collection, 100 items a page (Pingen's maximum),
// until each returns false or the last page is read.
func (c *Client) list(ctx context.Context, path string, q url.Values, each func(json.RawMessage) (bool, error)) error {
	const limit, maxPages = 100, 10000
	q.Set("page[limit]", strconv.Itoa(limit))
	for page := 1; page <= maxPages; page++ {
		q.Set("page[number]", strconv.Itoa(page))
		resp, err := c.call(ctx, http.MethodGet, path, q, nil, "")
		if err != nil {
			return err
		}
		var doc struct {
			Data []json.RawMessage `json:"data"`
			Meta struct {
				LastPage looseNumber `json:"last_page"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(resp.body, &doc); err != nil {
			return fmt.Errorf("page %d: %w (request id %s)", page, err, resp.requestID)
		}
		for _, raw := range doc.Data {
			more, err := each(raw)
			if err != nil {
				return fmt.Errorf("page %d: %w (request id %s)", page, err, resp.requestID)
			}
			if !more {
				return nil
			}
		}
		if len(doc.Data) == 0 || int(doc.Meta.LastPage) <= page {
			return nil
		}
	}
	return fmt.Errorf("more than %d pages", maxPages)
}

func decodeLetter(resp *response) (Letter, error) {
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(resp.body, &doc); err != nil {
		return Letter{}, fmt.Errorf("%w (request id %s)", err, resp.requestID)
	}
	l, err := letterFrom(doc.Data)
	if err != nil {
		return Letter{}, fmt.Errorf("%w (request id %s)", err, resp.requestID)
	}
	return l, nil
}

func letterFrom(raw json.RawMessage) (Letter, error) {
	var o struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			Status           looseString   `json:"status"`
			FileOriginalName looseString   `json:"file_original_name"`
			FilePages        looseNumber   `json:"file_pages"`
			Address          looseString   `json:"address"`
			AddressPosition  looseString   `json:"address_position"`
			Country          looseString   `json:"country"`
			DeliveryProduct  looseString   `json:"delivery_product"`
			PrintMode        looseString   `json:"print_mode"`
			PrintSpectrum    looseString   `json:"print_spectrum"`
			PriceCurrency    looseString   `json:"price_currency"`
			PriceValue       looseNumber   `json:"price_value"`
			PaperTypes       []looseString `json:"paper_types"`
			Fonts            []struct {
				Name       looseString `json:"name"`
				IsEmbedded looseBool   `json:"is_embedded"`
			} `json:"fonts"`
			Source         looseString `json:"source"`
			TrackingNumber looseString `json:"tracking_number"`
			SubmittedAt    apiTime     `json:"submitted_at"`
			CreatedAt      apiTime     `json:"created_at"`
			UpdatedAt      apiTime     `json:"updated_at"`
		} `json:"attributes"`
		Meta struct {
			Abilities struct {
				Self map[string]looseString `json:"self"`
			} `json:"abilities"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return Letter{}, fmt.Errorf("letter: %w", err)
	}
	if o.Type != "letters" || o.ID == "" {
		return Letter{}, fmt.Errorf("expected a letters resource with an id, got type %q", o.Type)
	}
	a := o.Attributes
	l := Letter{
		ID:               o.ID,
		Status:           Status(a.Status),
		FileOriginalName: string(a.FileOriginalName),
		FilePages:        int(a.FilePages),
		Address:          string(a.Address),
		AddressPosition:  AddressPosition(a.AddressPosition),
		Country:          string(a.Country),
		Product:          Product(a.DeliveryProduct),
		PrintMode:        PrintMode(a.PrintMode),
		Spectrum:         Spectrum(a.PrintSpectrum),
		PriceCurrency:    string(a.PriceCurrency),
		PriceValue:       float64(a.PriceValue),
		Source:           string(a.Source),
		TrackingNumber:   string(a.TrackingNumber),
		SubmittedAt:      a.SubmittedAt.Time,
		CreatedAt:        a.CreatedAt.Time,
		UpdatedAt:        a.UpdatedAt.Time,
	}
	for _, p := range a.PaperTypes {
		l.PaperTypes = append(l.PaperTypes, string(p))
	}
	for _, f := range a.Fonts {
		l.Fonts = append(l.Fonts, Font{Name: string(f.Name), Embedded: bool(f.IsEmbedded)})
	}
	if len(o.Meta.Abilities.Self) > 0 {
		l.Abilities = make(map[string]string, len(o.Meta.Abilities.Self))
		for k, v := range o.Meta.Abilities.Self {
			l.Abilities[k] = string(v)
		}
	}
	return l, nil
}
