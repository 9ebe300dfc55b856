package assertions

// Namespaces of the SAML 2.0 and XML Signature specifications.
const (
	NamespaceProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NamespaceAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NamespaceDSig      = "http://www.w3.org/2000/09/xmldsig#"
	NamespaceXS        = "http://www.w3.org/2001/XMLSchema"
	NamespaceXSI       = "http://www.w3.org/2001/XMLSchema-instance"
	NamespaceMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
)

// NameID formats (SAML core §8.3).
const (
	NameIDFormatEmail       = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
	NameIDFormatUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
	NameIDFormatPersistent  = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	NameIDFormatTransient   = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	NameIDFormatEntity      = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
)

// Attribute NameFormats (SAML core §8.2).
const (
	AttrNameFormatUnspecified = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"
	AttrNameFormatURI         = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
	AttrNameFormatBasic       = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
)

// Protocol values used by the checks.
const (
	StatusCodeSuccess    = "urn:oasis:names:tc:SAML:2.0:status:Success"
	ConfirmationBearer   = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	AuthnContextPPT      = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
	AuthnContextPassword = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
)
