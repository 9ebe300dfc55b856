package assertions

// SignatureDisagreement is signatureDisagreement for the external tests,
// which judge fixtures' attacks and the corpus.
var SignatureDisagreement = signatureDisagreement
