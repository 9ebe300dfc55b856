package assertions

import (
	"slices"
	"strings"

	"github.com/beevik/etree"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// detach copies el, without the children listed in without, out of its
// document for exclusive c14n: the copy declares the namespaces it
// inherits, as goxmldsig's NSDetatch does, but only those the canonical
// form can hold: the prefixes used in the names of its elements and
// attributes, and those of the InclusiveNamespaces prefix list. Exclusive
// c14n writes no other declaration, so the canonical bytes are the same;
// the canonicalizer, which copies its namespace map at every element,
// does less work.
func detach(el *etree.Element, prefixList string, without ...*etree.Element) (
	*etree.Element, error) {
	scope, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, err
	}
	detached, err := etreeutils.NSDetatch(scope, el)
	if err != nil {
		return nil, err
	}
	// The copy keeps the order of el's children: drop those of without
	// where they stand.
	for i := len(el.Child) - 1; i >= 0; i-- {
		if e, ok := el.Child[i].(*etree.Element); ok && slices.Contains(without, e) {
			detached.RemoveChildAt(i)
		}
	}

	used := map[string]bool{}
	for _, p := range strings.Fields(prefixList) {
		used[p] = true
	}
	if used["#default"] {
		used[""] = true
	}
	walkElements(detached, func(e *etree.Element) {
		used[e.Space] = true
		for _, a := range e.Attr {
			if a.Space != "" && a.Space != "xmlns" {
				used[a.Space] = true
			}
		}
	})
	detached.Attr = slices.DeleteFunc(detached.Attr, func(a etree.Attr) bool {
		switch {
		case a.Space == "xmlns":
			return !used[a.Key]
		case a.Space == "" && a.Key == "xmlns":
			return !used[""]
		}
		return false
	})
	return detached, nil
}
