package assertions_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
)

func ExampleParseCertificate() {
	_, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{Rand: rand.Reader})
	if err != nil {
		panic(err)
	}
	// The base64 alone, wrapped at 40 columns with CRLF line ends.
	b64 := base64.StdEncoding.EncodeToString(cert.Raw)
	var pasted strings.Builder
	for len(b64) > 40 {
		pasted.WriteString(b64[:40] + "\r\n")
		b64 = b64[40:]
	}
	pasted.WriteString(b64)

	got, err := assertions.ParseCertificate(pasted.String())
	if err != nil {
		panic(err)
	}
	sha256Hex, _ := assertions.Fingerprints(got)
	fmt.Println(got.Subject)
	fmt.Println(got.Equal(cert), len(sha256Hex))
	// Output:
	// CN=amazonaws.com,OU=IDAS,O=Amazon,C=US
	// true 95
}
