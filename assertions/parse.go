package assertions

import (
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// Limits bound the work spent on a message before any signature is checked.
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
	// declarations included; 0 means DefaultLimits' value. Resolving a
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
	MaxNamespaces: 512,
	MaxAttributes: 64,
}

func (l Limits) orDefault() Limits {
	if l == (Limits{}) {
		return DefaultLimits
	}
	if l.MaxAttributes == 0 {
		l.MaxAttributes = DefaultLimits.MaxAttributes
	}
	return l
}

// parse reads a Response document, refusing DOCTYPEs, names that do not
// survive a round trip through encoding/xml, and documents beyond limits.
// Errors wrap a decode code.
func parse(data []byte, lim Limits) (*etree.Document, error) {
	lim = lim.orDefault()
	if len(data) > lim.MaxBytes {
		return nil, errTooLarge("XML", lim.MaxBytes)
	}
	doc := etree.NewDocument()
	doc.ReadSettings.MaxDepth = lim.MaxDepth
	// Keep a repeated attribute so that checkTree can refuse it, rather
	// than let the tree keep the last one silently.
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if err := doc.ReadFromBytes(data); err != nil {
		if errors.Is(err, etree.ErrMaxDepth) {
			return nil, fmt.Errorf("assertions: %w: nesting deeper than %d",
				DecodeLimit, lim.MaxDepth)
		}
		// A DOCTYPE whose entities were then used fails as undefined
		// entities: name the DOCTYPE, the cause.
		for _, tok := range doc.Child {
			if d, ok := tok.(*etree.Directive); ok {
				return nil, fmt.Errorf("assertions: %w: <!%.40s>: %v", DecodeDoctype,
					d.Data, err)
			}
		}
		return nil, fmt.Errorf("assertions: %w: %v", DecodeMalformed, err)
	}
	roots := 0
	for _, tok := range doc.Child {
		switch t := tok.(type) {
		case *etree.Directive:
			return nil, fmt.Errorf("assertions: %w: <!%.40s>", DecodeDoctype, t.Data)
		case *etree.Element:
			roots++
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				return nil, fmt.Errorf("assertions: %w: text outside the root element",
					DecodeMalformed)
			}
		}
	}
	root := doc.Root()
	switch {
	case root == nil:
		return nil, fmt.Errorf("assertions: %w: no root element", DecodeMalformed)
	case roots > 1:
		// encoding/xml reads on past the root; an XML parser stops there.
		return nil, fmt.Errorf("assertions: %w: %d root elements", DecodeMalformed, roots)
	}

	if err := checkTree(root, lim); err != nil {
		return nil, err
	}

	if !is(root, NamespaceProtocol, "Response") {
		return nil, fmt.Errorf("assertions: %w: root is <%s> in namespace %q",
			DecodeNotResponse, root.FullTag(), root.NamespaceURI())
	}
	return doc, nil
}

// checkTree walks the element tree under root and refuses more elements
// or namespace declarations than lim allows, names that do not survive a
// round trip through encoding/xml, and empty or undeclared prefixes.
func checkTree(root *etree.Element, lim Limits) error {
	var elements, namespaces int
	var walk func(*etree.Element) error
	walk = func(el *etree.Element) error {
		elements++
		if elements > lim.MaxElements {
			return fmt.Errorf("assertions: %w: more than %d elements",
				DecodeLimit, lim.MaxElements)
		}
		if badName(el.Space, el.Tag) {
			return fmt.Errorf("assertions: %w: element name %q", DecodeMalformed, el.FullTag())
		}
		if len(el.Attr) > lim.MaxAttributes {
			return fmt.Errorf("assertions: %w: <%s> has more than %d attributes",
				DecodeLimit, el.FullTag(), lim.MaxAttributes)
		}
		for i, a := range el.Attr {
			// etree keeps the last of two equal attributes; XML 1.0
			// (well-formedness, unique attribute specification) refuses them.
			for _, b := range el.Attr[:i] {
				if a.Space == b.Space && a.Key == b.Key {
					return fmt.Errorf("assertions: %w: <%s> has the attribute %s twice",
						DecodeMalformed, el.FullTag(), a.FullKey())
				}
			}
			if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
				namespaces++
				if a.Space == "xmlns" && a.Key == "" {
					return fmt.Errorf("assertions: %w: empty prefix declaration",
						DecodeMalformed)
				}
				if a.Space == "xmlns" && a.Value == "" {
					// XML Namespaces 1.0 forbids undeclaring a prefix;
					// encoding/xml accepts it, and a signature can hide
					// behind it.
					return fmt.Errorf("assertions: %w: prefix %q undeclared",
						DecodeMalformed, a.Key)
				}
			}
			if badName(a.Space, a.Key) {
				return fmt.Errorf("assertions: %w: attribute name %q",
					DecodeMalformed, a.FullKey())
			}
		}
		if namespaces > lim.MaxNamespaces {
			return fmt.Errorf("assertions: %w: more than %d namespace declarations",
				DecodeLimit, lim.MaxNamespaces)
		}
		for c := range el.ChildElementsSeq() {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}

// badName reports a qualified name that encoding/xml would not write back
// as it was read, such as <x::E> or x:="v" (CVE-2020-29509 and kin).
func badName(space, local string) bool {
	return local == "" || strings.Contains(local, ":") || strings.Contains(space, ":")
}
