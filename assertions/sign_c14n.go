package assertions

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// Exclusive XML Canonicalization 1.0 (without comments, empty
// InclusiveNamespaces PrefixList), written straight from the tree for the
// Signer: the element is neither copied nor rewritten, as a general
// canonicalizer must do. It is what the verifiers of every SP compute
// over the same element (see the test that compares it with goxmldsig's).

const namespaceXML = "http://www.w3.org/XML/1998/namespace"

// nsBinding is one namespace binding of a scope, chained to its parent.
type nsBinding struct {
	parent        *nsBinding
	prefix, space string
}

// lookup returns the URI bound to prefix ("" for the default namespace).
func (b *nsBinding) lookup(prefix string) (string, bool) {
	for ; b != nil; b = b.parent {
		if b.prefix == prefix {
			return b.space, true
		}
	}
	if prefix == "xml" {
		return namespaceXML, true
	}
	return "", false
}

// declare adds the namespace declarations of el to scope.
func declare(scope *nsBinding, el *etree.Element) *nsBinding {
	for _, a := range el.Attr {
		switch {
		case a.Space == "xmlns":
			scope = &nsBinding{parent: scope, prefix: a.Key, space: a.Value}
		case a.Space == "" && a.Key == "xmlns":
			scope = &nsBinding{parent: scope, prefix: "", space: a.Value}
		}
	}
	return scope
}

// ancestorScope returns the bindings in force at el's parent.
func ancestorScope(el *etree.Element) *nsBinding {
	var chain []*etree.Element
	for p := el.Parent(); p != nil; p = p.Parent() {
		chain = append(chain, p)
	}
	var scope *nsBinding
	for i := len(chain) - 1; i >= 0; i-- {
		scope = declare(scope, chain[i])
	}
	return scope
}

// canonicalize appends the exclusive canonical form of el to buf.
func canonicalize(buf *bytes.Buffer, el *etree.Element) error {
	c := c14n{buf: buf}
	return c.element(el, ancestorScope(el), nil)
}

type c14n struct {
	buf *bytes.Buffer
	// decls and attrs are scratch space, reused from element to element.
	decls []nsBinding
	attrs []c14nAttr
}

type c14nAttr struct {
	space string
	attr  *etree.Attr
}

// element writes el. inScope holds the document's bindings at el's parent,
// rendered those already written on el's output ancestors.
func (c *c14n) element(el *etree.Element, inScope, rendered *nsBinding) error {
	inScope = declare(inScope, el)

	// Render the namespaces el visibly utilizes that no output ancestor
	// rendered with the same URI.
	decls := c.decls[:0]
	need := func(prefix string) error {
		if prefix == "xml" || slices.ContainsFunc(decls, func(d nsBinding) bool {
			return d.prefix == prefix
		}) {
			return nil
		}
		space, ok := inScope.lookup(prefix)
		if !ok && prefix != "" {
			return fmt.Errorf("assertions: canonicalize <%s>: prefix %q is not declared",
				el.FullTag(), prefix)
		}
		if was, _ := rendered.lookup(prefix); was != space {
			decls = append(decls, nsBinding{prefix: prefix, space: space})
		}
		return nil
	}
	if err := need(el.Space); err != nil {
		return err
	}
	attrs := c.attrs[:0]
	for i := range el.Attr {
		a := &el.Attr[i]
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		var space string
		if a.Space != "" {
			if err := need(a.Space); err != nil {
				return err
			}
			space, _ = inScope.lookup(a.Space)
		}
		attrs = append(attrs, c14nAttr{space: space, attr: a})
	}
	slices.SortFunc(decls, func(a, b nsBinding) int { return strings.Compare(a.prefix, b.prefix) })
	slices.SortFunc(attrs, func(a, b c14nAttr) int {
		if n := strings.Compare(a.space, b.space); n != 0 {
			return n
		}
		return strings.Compare(a.attr.Key, b.attr.Key)
	})

	b := c.buf
	b.WriteByte('<')
	b.WriteString(el.FullTag())
	for _, d := range decls {
		rendered = &nsBinding{parent: rendered, prefix: d.prefix, space: d.space}
		b.WriteString(" xmlns")
		if d.prefix != "" {
			b.WriteByte(':')
			b.WriteString(d.prefix)
		}
		b.WriteString(`="`)
		escapeAttr(b, d.space)
		b.WriteByte('"')
	}
	for _, a := range attrs {
		b.WriteByte(' ')
		b.WriteString(a.attr.FullKey())
		b.WriteString(`="`)
		escapeAttr(b, a.attr.Value)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	// The scratch slices are free again once written.
	c.decls, c.attrs = decls[:0], attrs[:0]

	for _, tok := range el.Child {
		switch t := tok.(type) {
		case *etree.Element:
			if err := c.element(t, inScope, rendered); err != nil {
				return err
			}
		case *etree.CharData:
			escapeText(b, t.Data)
		case *etree.ProcInst:
			b.WriteString("<?")
			b.WriteString(t.Target)
			if t.Inst != "" {
				b.WriteByte(' ')
				b.WriteString(t.Inst)
			}
			b.WriteString("?>")
		}
	}
	b.WriteString("</")
	b.WriteString(el.FullTag())
	b.WriteByte('>')
	return nil
}

func escapeText(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(ch)
		}
	}
}

func escapeAttr(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(ch)
		}
	}
}
