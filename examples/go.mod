module github.com/samlharness/samlharness/examples

go 1.26.8

require (
	github.com/samlharness/samlharness v0.0.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/beevik/etree v1.8.1 // indirect
	github.com/crewjam/saml v0.6.3 // indirect
	github.com/jonboulle/clockwork v0.5.0 // indirect
	github.com/russellhaering/goxmldsig v1.6.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/net v0.63.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/samlharness/samlharness => ../
