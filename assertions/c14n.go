package assertions

import (
	"bytes"

	"github.com/beevik/etree"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// excC14N rewrites el, a copy made by detach, into exclusive canonical
// form with goxmldsig's transform and returns the bytes etree's canonical
// writer makes of it: what goxmldsig's exclusive canonicalizer returns,
// without the copy it makes first, since el is already a copy of our own.
func excC14N(el *etree.Element, prefixes string, comments bool) ([]byte, error) {
	if err := etreeutils.TransformExcC14n(el, prefixes, comments); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.WriteSettings = etree.WriteSettings{
		CanonicalAttrVal: true,
		CanonicalEndTags: true,
		CanonicalText:    true,
	}
	doc.SetRoot(el)
	defer doc.RemoveChild(el) // el leaves as it came, without a parent
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
