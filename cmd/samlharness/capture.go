package main

import "github.com/samlharness/samlharness/capture"

// A captured message is one SAMLResponse found in the input of "check".
type captured = capture.Message

// splitCaptures finds the SAMLResponses in a check input (see
// [capture.Split]).
func splitCaptures(name string, data []byte) ([]captured, error) {
	return capture.Split(name, data)
}
