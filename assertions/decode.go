package assertions

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// A Message is a SAML Response as it arrived, decoded to XML.
type Message struct {
	// XML is the Response document.
	XML []byte
	// Encoding is how it arrived: "raw-xml", "base64", "base64+deflate" or
	// "form" (an application/x-www-form-urlencoded body).
	Encoding string
	// RelayState is the form's RelayState field; HasRelayState tells an
	// empty field from an absent one.
	RelayState    string
	HasRelayState bool
}

// Decode detects how a captured SAMLResponse is encoded and returns its XML:
// raw XML, base64 (line breaks, spaces and &#13; allowed), raw DEFLATE under
// base64, or a form body with a SAMLResponse field. Inflated and decoded
// sizes are capped by limits, whose zero fields take [DefaultLimits]'
// values. Errors wrap [DecodeMalformed] or [DecodeLimit].
func Decode(input []byte, limits Limits) (*Message, error) {
	lim := limits.orDefault()
	input = trimBOM(bytes.TrimSpace(input))
	if len(input) == 0 {
		return nil, decodeFail(DecodeMalformed, "empty input")
	}
	if input[0] == '<' {
		if len(input) > lim.MaxBytes {
			return nil, errTooLarge("XML", lim.MaxBytes)
		}
		return &Message{XML: input, Encoding: "raw-xml"}, nil
	}

	msg := &Message{}
	encoded := input
	if form, ok := formBody(input); ok {
		msg.Encoding = "form"
		encoded = []byte(form.Get("SAMLResponse"))
		if _, ok := form["RelayState"]; ok {
			msg.RelayState, msg.HasRelayState = form.Get("RelayState"), true
		}
		if len(encoded) == 0 {
			return nil, decodeFail(DecodeMalformed, "form body has no SAMLResponse field")
		}
	}

	raw, err := decodeBase64(encoded)
	if err != nil {
		return nil, decodeFail(DecodeMalformed, "not XML, base64 or a form body: %v", err)
	}
	raw = trimBOM(bytes.TrimSpace(raw))
	if len(raw) > 0 && raw[0] == '<' {
		if msg.Encoding == "" {
			msg.Encoding = "base64"
		}
		if len(raw) > lim.MaxBytes {
			return nil, errTooLarge("XML", lim.MaxBytes)
		}
		msg.XML = raw
		return msg, nil
	}

	inflated, err := inflate(raw, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	inflated = trimBOM(bytes.TrimSpace(inflated))
	if len(inflated) == 0 || inflated[0] != '<' {
		return nil, decodeFail(DecodeMalformed, "decoded data is not XML")
	}
	if msg.Encoding == "" {
		msg.Encoding = "base64+deflate"
	}
	msg.XML = inflated
	return msg, nil
}

// A decodeError is a message that does not decode, or breaks a limit,
// with its code; errors.Is matches the code.
type decodeError struct {
	code   Code
	detail string
}

func (e *decodeError) Error() string { return "assertions: " + string(e.code) + ": " + e.detail }
func (e *decodeError) Unwrap() error { return e.code }

func decodeFail(code Code, format string, args ...any) error {
	return &decodeError{code: code, detail: fmt.Sprintf(format, args...)}
}

func errTooLarge(what string, limit int) error {
	return decodeFail(DecodeLimit, "%s larger than %d bytes", what, limit)
}

func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
}

// formBody reports whether b is a urlencoded form with a SAMLResponse field.
func formBody(b []byte) (url.Values, bool) {
	if !bytes.Contains(b, []byte("SAMLResponse=")) {
		return nil, false
	}
	form, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, false
	}
	_, ok := form["SAMLResponse"]
	return form, ok
}

// lineBreakRefs removes the character references for CR and LF.
var lineBreakRefs = strings.NewReplacer("&#13;", "", "&#xD;", "", "&#10;", "", "&#xA;", "")

// decodeBase64 accepts standard or URL-safe base64, padded or not, with
// white space and XML character references for CR and LF anywhere.
func decodeBase64(b []byte) ([]byte, error) {
	s := string(b)
	if strings.Contains(s, "&#") {
		s = lineBreakRefs.Replace(s)
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// inflate decompresses raw DEFLATE data, refusing output beyond limit.
func inflate(b []byte, limit int) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(b))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, decodeFail(DecodeMalformed, "not XML, base64 or DEFLATE data: %v", err)
	}
	if len(out) > limit {
		return nil, errTooLarge("inflated data", limit)
	}
	return out, nil
}
