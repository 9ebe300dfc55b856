package assertions

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The fuzz targets run their seeds in every `go test`; `make fuzz` runs
// them for longer:
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 10m ./assertions/
//	go test -run '^$' -fuzz FuzzValidateMutated -fuzztime 10m ./assertions/
//
// A failing input is written to testdata/fuzz/<target>/ and then runs with
// the seeds; keep it there once the bug is fixed.

// fuzzBase is the valid signed Response the targets start from, in its
// two signed shapes, and the report it gets.
type fuzzBase struct {
	both, assertion []byte
	claims          *Claims
}

var fuzzBaseOnce = sync.OnceValue(func() fuzzBase {
	pair := testKeys()[0]
	var b fuzzBase
	for what, out := range map[SignWhat]*[]byte{SignBoth: &b.both,
		SignAssertion: &b.assertion} {
		xml, err := Signer{Key: pair.key, Certificate: pair.cert}.SignedXML(validSpec(), what)
		if err != nil {
			panic(err)
		}
		*out = xml
	}
	rep := Validate(b.both, validExpected())
	if !rep.Accepted {
		panic("fuzz: the base Response is refused")
	}
	b.claims = rep.Claims
	return b
})

// checkAccepted fails when rep accepts claims other than the base's.
func checkAccepted(t *testing.T, rep *Report, input []byte) {
	t.Helper()
	if !rep.Accepted {
		return
	}
	want := fuzzBaseOnce().claims
	got := rep.Claims
	if got == nil || got.NameID != want.NameID || got.NameIDFormat != want.NameIDFormat ||
		!sameAttributes(got.Attributes, want.Attributes) || !got.Trusted {
		t.Fatalf("accepted with claims %+v, want %+v; input:\n%s", got, want, input)
	}
}

func sameAttributes(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// FuzzDecode decodes arbitrary input as a captured SAMLResponse and
// validates what decodes: it must never panic, and anything accepted must
// carry the signed claims.
func FuzzDecode(f *testing.F) {
	base := fuzzBaseOnce()
	b64 := base64.StdEncoding.EncodeToString(base.both)
	var deflated bytes.Buffer
	w, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	_, _ = w.Write(base.assertion)
	_ = w.Close()
	for _, seed := range []string{
		string(base.both), string(base.assertion), b64,
		"SAMLResponse=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").
			Replace(b64) + "&RelayState=x",
		base64.StdEncoding.EncodeToString(deflated.Bytes()),
		"<!DOCTYPE r [<!ENTITY a 'b'>]><r>&a;</r>",
		"<x::E/>", "<a xmlns:=''/>", "PD94bWw/Pg==&#13;", "\xef\xbb\xbf<a/>", "",
	} {
		f.Add([]byte(seed))
	}
	exp := validExpected()
	f.Fuzz(func(t *testing.T, input []byte) {
		msg, err := Decode(input, DefaultLimits)
		if err != nil {
			rep := ValidateEncoded(input, exp)
			if rep.Accepted {
				t.Fatalf("accepted what Decode refuses: %v", err)
			}
			return
		}
		checkAccepted(t, Validate(msg.XML, exp), input)
	})
}

// FuzzValidateMutated validates mutations of the valid signed Response:
// overwrite, insert or delete data at a position. It must never panic,
// a mutation is accepted only with the original claims, and each of its
// signatures gets goxmldsig's verdict.
func FuzzValidateMutated(f *testing.F) {
	base := fuzzBaseOnce()
	at := func(s string) uint32 { return uint32(bytes.Index(base.both, []byte(s))) }
	f.Add(uint8(0), at("alice@example.com"), []byte("mallory@evil.te"))
	f.Add(uint8(1), at("@example.com</saml2:NameID>"), []byte("<!---->"))
	f.Add(uint8(1), at("example.com</saml2:NameID>"), []byte("evil.test<!---->"))
	f.Add(uint8(2), at("<ds:Signature"), bytes.Repeat([]byte{0}, 40))
	f.Add(uint8(1), at("<saml2:Assertion"), []byte(`<saml2:Assertion ID="x"/>`))
	f.Add(uint8(4), at("<saml2:Subject>"), []byte(`<!-- -->`))
	f.Add(uint8(5), at(`ID="_0e9d`), []byte(`Id="_0e9d8c7b-6a59-4847-9382-716253443526" `))
	f.Add(uint8(1), uint32(0), []byte(`<!DOCTYPE x>`))
	exp := validExpected()
	f.Fuzz(func(t *testing.T, op uint8, pos uint32, data []byte) {
		doc := base.both
		if op&4 != 0 {
			doc = base.assertion
		}
		mutated := mutate(doc, op&3, int(pos), data)
		checkAccepted(t, Validate(mutated, exp), mutated)
		if diff, _ := signatureDisagreement(mutated, exp.Certificates); diff != "" {
			t.Fatalf("%s\ninput:\n%s", diff, mutated)
		}
	})
}

// mutate returns a copy of doc with data written over (op 0), inserted
// at (op 1) or, by its length, deleted from (op 2) pos; op 3 writes it
// over every occurrence of the byte at pos.
func mutate(doc []byte, op uint8, pos int, data []byte) []byte {
	pos %= len(doc) + 1
	out := slices.Clone(doc)
	switch op {
	case 0:
		n := copy(out[pos:], data)
		out = append(out, data[n:]...)
	case 1:
		out = slices.Insert(out, pos, data...)
	case 2:
		out = slices.Delete(out, pos, min(len(out), pos+len(data)))
	default:
		if pos == len(doc) || len(data) == 0 {
			return out
		}
		out = bytes.ReplaceAll(out, doc[pos:pos+1], data)
	}
	return out
}
