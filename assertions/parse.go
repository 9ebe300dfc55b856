package assertions

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/beevik/etree"
)

// Limits bound the work spent on a message before any signature is checked.
// A field left zero takes its value from [DefaultLimits].
type Limits struct {
	// MaxBytes caps the XML document and any inflated data.
	MaxBytes int
	// MaxDepth caps element nesting.
	MaxDepth int
	// MaxElements caps the number of elements.
	MaxElements int
	// MaxNamespaces caps the number of namespace declarations.
	MaxNamespaces int
	// MaxAttributes caps the attributes of one element, namespace
	// declarations included. Resolving a
	// prefix reads every attribute of every ancestor, so the product of
	// elements and attributes is work the parse must bound.
	MaxAttributes int
}

// DefaultLimits are generous for any real SAML Response: AWS's are under
// 10 KiB, 10 levels deep and 60 elements.
var DefaultLimits = Limits{
	MaxBytes:      1 << 20,
	MaxDepth:      64,
	MaxElements:   10000,
	MaxNamespaces: 128,
	MaxAttributes: 32,
}

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	return Limits{
		MaxBytes:      cmp.Or(l.MaxBytes, d.MaxBytes),
		MaxDepth:      cmp.Or(l.MaxDepth, d.MaxDepth),
		MaxElements:   cmp.Or(l.MaxElements, d.MaxElements),
		MaxNamespaces: cmp.Or(l.MaxNamespaces, d.MaxNamespaces),
		MaxAttributes: cmp.Or(l.MaxAttributes, d.MaxAttributes),
	}
}

// parse reads a Response document, refusing DOCTYPEs, documents beyond
// limits, and what XML and XML Namespaces 1.0 call not well-formed but
// etree reads anyway (see checkXMLDecl and checkTree). Errors wrap a
// decode code.
func parse(data []byte, lim Limits) (*etree.Document, error) {
	lim = lim.orDefault()
	if len(data) > lim.MaxBytes {
		return nil, errTooLarge("XML", lim.MaxBytes)
	}
	// Every element costs at least one '<': refuse a document with far
	// more markup than MaxElements before building its tree.
	if n := bytes.Count(data, []byte("<")); n > 2*lim.MaxElements+1024 {
		return nil, decodeFail(DecodeLimit, "%d '<' characters, more markup than "+
			"%d elements make", n, lim.MaxElements)
	}
	doc := etree.NewDocument()
	doc.ReadSettings.MaxDepth = lim.MaxDepth
	// Keep a repeated attribute so that checkTree can refuse it, rather
	// than let the tree keep the last one silently.
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if err := doc.ReadFromBytes(data); err != nil {
		if errors.Is(err, etree.ErrMaxDepth) {
			return nil, decodeFail(DecodeLimit, "nesting deeper than %d", lim.MaxDepth)
		}
		// A DOCTYPE whose entities were then used fails as undefined
		// entities: name the DOCTYPE, the cause.
		for _, tok := range doc.Child {
			if d, ok := tok.(*etree.Directive); ok {
				return nil, decodeFail(DecodeDoctype, "<!%.40s>: %v",
					d.Data, err)
			}
		}
		return nil, decodeFail(DecodeMalformed, "%v", err)
	}
	roots := 0
	for _, tok := range doc.Child {
		switch t := tok.(type) {
		case *etree.Directive:
			return nil, decodeFail(DecodeDoctype, "<!%.40s>", t.Data)
		case *etree.Element:
			roots++
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				return nil, decodeFail(DecodeMalformed, "text outside the root element")
			}
		}
	}
	if err := checkXMLDecl(doc); err != nil {
		return nil, err
	}
	root := doc.Root()
	switch {
	case root == nil:
		return nil, decodeFail(DecodeMalformed, "no root element")
	case roots > 1:
		// encoding/xml reads on past the root; an XML parser stops there.
		return nil, decodeFail(DecodeMalformed, "%d root elements", roots)
	}

	if err := checkTree(root, lim); err != nil {
		return nil, err
	}

	if !is(root, NamespaceProtocol, "Response") {
		return nil, decodeFail(DecodeNotResponse, "root is <%s> in namespace %q",
			root.FullTag(), root.NamespaceURI())
	}
	return doc, nil
}

// xmlDeclRE reads the pseudo-attributes of an XML declaration.
var xmlDeclRE = regexp.MustCompile(`^\s*version\s*=\s*(?:"1\.[0-9]+"|'1\.[0-9]+')` +
	`(?:\s+encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["'])?` +
	`(?:\s+standalone\s*=\s*["'](?:yes|no)["'])?\s*$`)

// checkXMLDecl refuses an XML declaration anywhere but at the very start,
// a malformed one, and one that declares an encoding other than UTF-8:
// etree reads every document as UTF-8, so an SP that honours the
// declaration would read other characters than the ones checked here.
func checkXMLDecl(doc *etree.Document) error {
	var bad error
	var visit func(toks []etree.Token, top bool)
	visit = func(toks []etree.Token, top bool) {
		for i, tok := range toks {
			switch t := tok.(type) {
			case *etree.ProcInst:
				if !strings.EqualFold(t.Target, "xml") || bad != nil {
					continue
				}
				m := xmlDeclRE.FindStringSubmatch(t.Inst)
				switch {
				case t.Target != "xml" || !top || i != 0:
					bad = decodeFail(DecodeMalformed, "an XML declaration (<?%s?>) after "+
						"the start of the document", t.Target)
				case m == nil:
					bad = decodeFail(DecodeMalformed, "a malformed XML declaration: %.60q", t.Inst)
				case m[1] != "" && !strings.EqualFold(m[1], "UTF-8"):
					bad = decodeFail(DecodeMalformed, "the XML declaration names the "+
						"encoding %s; SAML is read as UTF-8", m[1])
				}
			case *etree.Element:
				visit(t.Child, false)
			}
		}
	}
	visit(doc.Child, true)
	return bad
}

// The namespaces XML Namespaces 1.0 reserves.
const (
	namespaceXML   = "http://www.w3.org/XML/1998/namespace"
	namespaceXMLNS = "http://www.w3.org/2000/xmlns/"
)

// checkTree walks the element tree under root and refuses what lim does
// not allow (elements, namespace declarations, attributes of an element)
// and what XML and XML Namespaces 1.0 call not well-formed but etree
// reads anyway: names that are not names or do not survive a round trip
// through encoding/xml, an attribute given twice (also under two prefixes
// of one namespace), a prefix used where it is not declared, a prefix
// undeclared or bound to a reserved namespace.
func checkTree(root *etree.Element, lim Limits) error {
	var elements, namespaces int
	var walk func(el *etree.Element, scope map[string]string) error
	walk = func(el *etree.Element, scope map[string]string) error {
		elements++
		if elements > lim.MaxElements {
			return decodeFail(DecodeLimit, "more than %d elements", lim.MaxElements)
		}
		if badName(el.Space, el.Tag) {
			return decodeFail(DecodeMalformed, "element name %q", el.FullTag())
		}
		if len(el.Attr) > lim.MaxAttributes {
			return decodeFail(DecodeLimit, "<%s> has more than %d attributes",
				el.FullTag(), lim.MaxAttributes)
		}
		declared := false
		for _, a := range el.Attr {
			if a.Space != "xmlns" && (a.Space != "" || a.Key != "xmlns") {
				continue
			}
			namespaces++
			if err := checkDeclaration(a); err != nil {
				return err
			}
			if !declared {
				scope, declared = maps.Clone(scope), true
			}
			scope[a.Key] = a.Value // the default namespace under "xmlns"
		}
		if namespaces > lim.MaxNamespaces {
			return decodeFail(DecodeLimit, "more than %d namespace declarations", lim.MaxNamespaces)
		}
		if el.Space == "xml" || el.Space == "xmlns" {
			return decodeFail(DecodeMalformed, "element name %q uses a reserved prefix", el.FullTag())
		}
		if _, ok := scope[el.Space]; el.Space != "" && !ok {
			return decodeFail(DecodeMalformed, "<%s> uses the undeclared prefix %q", el.FullTag(), el.Space)
		}
		for i, a := range el.Attr {
			if badName(a.Space, a.Key) {
				return decodeFail(DecodeMalformed, "attribute name %q", a.FullKey())
			}
			space, err := attrNamespace(a, scope)
			if err != nil {
				return decodeFail(DecodeMalformed, "<%s>: %v",
					el.FullTag(), err)
			}
			// etree keeps the last of two equal attributes; XML 1.0
			// (unique attribute specification) and XML Namespaces 1.0
			// (no two attributes of one namespace and local name)
			// refuse them.
			for _, b := range el.Attr[:i] {
				if b.Key != a.Key {
					continue
				}
				if other, _ := attrNamespace(b, scope); b.Space == a.Space ||
					space != "" && other == space {
					return decodeFail(DecodeMalformed, "<%s> has the attribute %s twice",
						el.FullTag(), a.FullKey())
				}
			}
		}
		for c := range el.ChildElementsSeq() {
			if err := walk(c, scope); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, map[string]string{"xml": namespaceXML})
}

// checkDeclaration refuses a namespace declaration that XML Namespaces
// 1.0 forbids: an empty prefix, undeclaring a prefix, declaring xmlns,
// binding xml elsewhere or its namespace, or xmlns's, to another prefix.
func checkDeclaration(a etree.Attr) error {
	prefix := a.Key
	if a.Space == "" {
		prefix = "" // the default namespace
	}
	switch {
	case a.Space == "xmlns" && a.Key == "":
		return decodeFail(DecodeMalformed, "empty prefix declaration")
	case a.Space == "xmlns" && a.Value == "":
		// encoding/xml accepts it, and a signature can hide behind it.
		return decodeFail(DecodeMalformed, "prefix %q undeclared", a.Key)
	case prefix == "xmlns", a.Value == namespaceXMLNS,
		prefix == "xml" && a.Value != namespaceXML,
		prefix != "xml" && a.Value == namespaceXML:
		return decodeFail(DecodeMalformed, "%s=%q binds a reserved name or namespace",
			a.FullKey(), a.Value)
	}
	return nil
}

// attrNamespace returns the namespace of a, "" when unprefixed, or an
// error when its prefix is not declared.
func attrNamespace(a etree.Attr, scope map[string]string) (string, error) {
	switch {
	case a.Space == "", a.Space == "xmlns":
		return "", nil
	}
	ns, ok := scope[a.Space]
	if !ok {
		return "", fmt.Errorf("the attribute %s uses the undeclared prefix %q",
			a.FullKey(), a.Space)
	}
	return ns, nil
}

// badName reports a qualified name that is not one in XML Namespaces 1.0
// (a prefix and a local part, each a name that does not start with a
// digit, '-' or '.'), or that encoding/xml would not write back as it was
// read, such as <x::E> or x:="v" (CVE-2020-29509 and kin).
func badName(space, local string) bool {
	return !ncName(local) || space != "" && !ncName(space)
}

// ncName reports whether s is an XML name without a colon. Letters and
// digits outside ASCII are taken as XML takes most of them.
func ncName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r > 0x7f:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return s != ""
}
