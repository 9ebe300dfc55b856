package assertions

import (
	"strings"

	"github.com/beevik/etree"
)

// Elements are matched by namespace URI and local name only: a prefix
// means nothing until it is resolved, and a document may redeclare one.

func is(el *etree.Element, ns, local string) bool {
	return el != nil && el.Tag == local && el.NamespaceURI() == ns
}

// children returns the child elements of el with the given name.
func children(el *etree.Element, ns, local string) []*etree.Element {
	if el == nil {
		return nil
	}
	var found []*etree.Element
	for c := range el.ChildElementsSeq() {
		if is(c, ns, local) {
			found = append(found, c)
		}
	}
	return found
}

// child returns the first child element of el with the given name, or nil.
func child(el *etree.Element, ns, local string) *etree.Element {
	if el == nil {
		return nil
	}
	for c := range el.ChildElementsSeq() {
		if is(c, ns, local) {
			return c
		}
	}
	return nil
}

// path follows a chain of child names in the SAML assertion namespace.
func path(el *etree.Element, locals ...string) *etree.Element {
	for _, l := range locals {
		el = child(el, NamespaceAssertion, l)
	}
	return el
}

// descendants returns every element below el, el excluded, with the name.
func descendants(el *etree.Element, ns, local string) []*etree.Element {
	var found []*etree.Element
	var walk func(*etree.Element)
	walk = func(e *etree.Element) {
		for c := range e.ChildElementsSeq() {
			if is(c, ns, local) {
				found = append(found, c)
			}
			walk(c)
		}
	}
	if el != nil {
		walk(el)
	}
	return found
}

// text returns the whole character content of el: every text node among its
// children, joined, so that a comment or split text node can never shorten
// a value. mixed reports whether el also has child elements.
func text(el *etree.Element) (s string, mixed bool) {
	if el == nil {
		return "", false
	}
	var b strings.Builder
	texts := 0
	for _, tok := range el.Child {
		switch t := tok.(type) {
		case *etree.CharData:
			if texts++; texts == 1 {
				s = t.Data
				continue
			}
			if texts == 2 {
				b.WriteString(s)
			}
			b.WriteString(t.Data)
		case *etree.Element:
			mixed = true
		}
	}
	if texts > 1 {
		s = b.String()
	}
	return strings.TrimSpace(s), mixed
}

// attr returns the value of el's unqualified attribute key, or "".
func attr(el *etree.Element, key string) string {
	if el == nil {
		return ""
	}
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value
		}
	}
	return ""
}

// hasAttr reports whether el has the unqualified attribute key.
func hasAttr(el *etree.Element, key string) bool {
	if el == nil {
		return false
	}
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return true
		}
	}
	return false
}
