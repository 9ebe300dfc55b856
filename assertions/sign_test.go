package assertions_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
)

type signPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// signPairs makes two key pairs once for the package's tests: RSA key
// generation is slow under the race detector.
var signPairs = sync.OnceValues(func() ([2]signPair, error) {
	var pairs [2]signPair
	for i := range pairs {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return pairs, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i + 1)),
			Subject:      pkix.Name{CommonName: "amazonaws.com"},
			NotBefore:    buildInstant.Add(-time.Hour),
			NotAfter:     buildInstant.AddDate(5, 0, 0),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return pairs, err
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return pairs, err
		}
		pairs[i] = signPair{key, cert}
	}
	return pairs, nil
})

func testSigner(t *testing.T, algorithm string) (assertions.Signer, *x509.Certificate) {
	t.Helper()
	pairs, err := signPairs()
	require.NoError(t, err)
	p := pairs[0]
	return assertions.Signer{Key: p.key, Certificate: p.cert, Algorithm: algorithm}, p.cert
}

// verify checks el's enveloped signature with goxmldsig against cert.
func verify(el *etree.Element, cert *x509.Certificate) error {
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{
		Roots: []*x509.Certificate{cert},
	})
	ctx.IdAttribute = "ID"
	ctx.Clock = dsig.NewFakeClockAt(buildInstant)
	_, err := ctx.Validate(el)
	return err
}

// detachedAssertion parses out and returns the Assertion with the
// namespaces of its ancestors declared on it, as an SP does.
func detachedAssertion(t *testing.T, root *etree.Element) *etree.Element {
	t.Helper()
	a := find(t, root, "saml2:Assertion")
	scope, err := etreeutils.NSBuildParentContext(a)
	require.NoError(t, err)
	detached, err := etreeutils.NSDetatch(scope, a)
	require.NoError(t, err)
	return detached
}

func parseXML(t *testing.T, b []byte) *etree.Element {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(b))
	return doc.Root()
}

func TestSignerSignedXML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		what                         assertions.SignWhat
		algorithm                    string
		wantResponse, wantAssertion  bool
		wantMethod, wantDigestMethod string
	}{
		{assertions.SignBoth, "", true, true,
			dsig.RSASHA256SignatureMethod, "http://www.w3.org/2001/04/xmlenc#sha256"},
		{assertions.SignBoth, assertions.AlgorithmRSASHA1, true, true,
			dsig.RSASHA1SignatureMethod, "http://www.w3.org/2000/09/xmldsig#sha1"},
		{assertions.SignResponse, assertions.AlgorithmRSASHA256, true, false,
			dsig.RSASHA256SignatureMethod, "http://www.w3.org/2001/04/xmlenc#sha256"},
		{assertions.SignAssertion, assertions.AlgorithmRSASHA256, false, true,
			dsig.RSASHA256SignatureMethod, "http://www.w3.org/2001/04/xmlenc#sha256"},
		{assertions.SignNone, "", false, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.what)+"/"+tt.algorithm, func(t *testing.T) {
			t.Parallel()
			signer, cert := testSigner(t, tt.algorithm)
			out, err := signer.SignedXML(buildSpec(), tt.what)
			require.NoError(t, err)
			root := parseXML(t, out)

			checks := []struct {
				name   string
				el     *etree.Element
				signed bool
			}{
				{"Response", root, tt.wantResponse},
				{"Assertion", find(t, root, "saml2:Assertion"), tt.wantAssertion},
			}
			for _, c := range checks {
				sigs := c.el.SelectElements("Signature")
				if !c.signed {
					assert.Empty(t, sigs, "%s must not be signed", c.name)
					continue
				}
				require.Len(t, sigs, 1, "%s Signature", c.name)
				assertSignatureShape(t, c.el, tt.wantMethod, tt.wantDigestMethod)
			}

			if tt.wantResponse {
				assert.NoError(t, verify(root, cert), "Response signature")
			}
			if tt.wantAssertion {
				assert.NoError(t, verify(detachedAssertion(t, root), cert),
					"Assertion signature")
			}
		})
	}
}

// assertSignatureShape checks what DOMAIN.md says of AWS signatures: right
// after the Issuer, "ds" prefix, exclusive c14n, enveloped transform, a
// Reference to the element's ID and the certificate in KeyInfo.
func assertSignatureShape(t *testing.T, el *etree.Element, method, digest string) {
	t.Helper()
	children := el.ChildElements()
	require.GreaterOrEqual(t, len(children), 2)
	assert.Equal(t, "saml2:Issuer", children[0].FullTag())
	sig := children[1]
	require.Equal(t, "ds:Signature", sig.FullTag())
	assert.Equal(t, assertions.NamespaceDSig, sig.SelectAttrValue("xmlns:ds", ""))

	const excC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
	const enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	info := find(t, sig, "ds:SignedInfo")
	assert.Equal(t, excC14N,
		find(t, info, "ds:CanonicalizationMethod").SelectAttrValue("Algorithm", ""))
	assert.Equal(t, method, find(t, info, "ds:SignatureMethod").SelectAttrValue("Algorithm", ""))
	ref := find(t, info, "ds:Reference")
	assert.Equal(t, "#"+el.SelectAttrValue("ID", ""), ref.SelectAttrValue("URI", ""))
	var transforms []string
	for _, tr := range ref.FindElements("ds:Transforms/ds:Transform") {
		transforms = append(transforms, tr.SelectAttrValue("Algorithm", ""))
	}
	assert.Equal(t, []string{enveloped, excC14N}, transforms)
	assert.Equal(t, digest, find(t, ref, "ds:DigestMethod").SelectAttrValue("Algorithm", ""))
	assert.NotEmpty(t, find(t, sig, "ds:KeyInfo/ds:X509Data/ds:X509Certificate").Text())
}

func TestSignerTamperedOrUntrusted(t *testing.T) {
	t.Parallel()
	signer, cert := testSigner(t, "")
	pairs, err := signPairs()
	require.NoError(t, err)
	other := pairs[1].cert

	out, err := signer.SignedXML(buildSpec(), assertions.SignBoth)
	require.NoError(t, err)
	require.NoError(t, verify(parseXML(t, out), cert))

	tampered := strings.Replace(string(out), "alice@example.com</saml2:NameID>",
		"mallory@example.com</saml2:NameID>", 1)
	require.NotEqual(t, string(out), tampered)
	root := parseXML(t, []byte(tampered))
	assert.Error(t, verify(root, cert), "tampered Response")
	assert.Error(t, verify(detachedAssertion(t, root), cert), "tampered Assertion")

	root = parseXML(t, out)
	assert.Error(t, verify(root, other), "Response against another certificate")
	assert.Error(t, verify(detachedAssertion(t, root), other),
		"Assertion against another certificate")
}

func TestSignerErrors(t *testing.T) {
	t.Parallel()
	good, _ := testSigner(t, "")
	bad := good
	bad.Algorithm = "rsa-md5"
	noKey := good
	noKey.Key = nil

	tests := []struct {
		name    string
		signer  assertions.Signer
		what    assertions.SignWhat
		doc     func() *etree.Document
		wantErr error
	}{
		{"unknown algorithm", bad, assertions.SignBoth, buildDoc,
			assertions.ErrSignerConfig},
		{"no key", noKey, assertions.SignResponse, buildDoc, assertions.ErrSignerConfig},
		{"unknown choice", good, "everything", buildDoc, assertions.ErrSignerConfig},
		{"not a Response", good, assertions.SignBoth, func() *etree.Document {
			doc := etree.NewDocument()
			doc.CreateElement("saml2:Assertion").CreateAttr("xmlns:saml2",
				assertions.NamespaceAssertion)
			return doc
		}, assertions.ErrUnsignable},
		{"already signed", good, assertions.SignResponse, func() *etree.Document {
			doc := buildDoc()
			if err := good.Sign(doc, assertions.SignResponse); err != nil {
				panic(err)
			}
			return doc
		}, assertions.ErrUnsignable},
		{"no Assertion", good, assertions.SignAssertion, func() *etree.Document {
			doc := buildDoc()
			doc.Root().RemoveChildAt(2)
			return doc
		}, assertions.ErrUnsignable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.signer.Sign(tt.doc(), tt.what)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func buildDoc() *etree.Document { return assertions.BuildResponse(buildSpec()) }

// TestSignerMatchesGoxmldsig signs the Assertion and then the Response
// with Sign and, on a copy of the same document, with goxmldsig's
// SigningContext on each element as NSDetatch detaches it, every
// inherited namespace declared. RSA PKCS #1 v1.5 is deterministic, so the
// Signatures are the same, byte for byte, exactly when the canonical
// forms digested and signed are.
func TestSignerMatchesGoxmldsig(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{assertions.AlgorithmRSASHA256, assertions.AlgorithmRSASHA1} {
		t.Run(alg, func(t *testing.T) {
			s, _ := testSigner(t, alg)
			ours, theirs := buildDoc(), buildDoc()
			require.NoError(t, s.Sign(ours, assertions.SignBoth))

			ctx, err := dsig.NewSigningContext(s.Key, [][]byte{s.Certificate.Raw})
			require.NoError(t, err)
			ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
			method := map[string]string{assertions.AlgorithmRSASHA256: dsig.
				RSASHA256SignatureMethod, assertions.AlgorithmRSASHA1: dsig.RSASHA1SignatureMethod}
			require.NoError(t, ctx.SetSignatureMethod(method[alg]))
			for _, path := range []string{"saml2:Assertion", "."} {
				el := theirs.Root()
				if path != "." {
					el = find(t, el, path)
				}
				scope, err := etreeutils.NSBuildParentContext(el)
				require.NoError(t, err)
				detached, err := etreeutils.NSDetatch(scope, el)
				require.NoError(t, err)
				sig, err := ctx.ConstructSignature(detached, true)
				require.NoError(t, err)
				el.InsertChildAt(find(t, el, "saml2:Issuer").Index()+1, sig)
			}

			want, err := theirs.WriteToString()
			require.NoError(t, err)
			got, err := ours.WriteToString()
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, 2, strings.Count(got, "<ds:SignatureValue>"))
		})
	}
}
