// Command ratios reads the output of the bench module's benchmarks and
// prints how samlharness compares with crewjam/saml, gosaml2 and the bare
// RSA signatures, against the targets of issue 6. With several runs of a
// benchmark (-count), the median of each measure is used.
//
//	go test -run '^$' -bench . -benchmem -count 6 | tee out.txt
//	go run ./cmd/ratios out.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	in := io.Reader(os.Stdin)
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "ratios: error:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = f
	}
	res, err := read(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratios: error:", err)
		os.Exit(2)
	}
	if err := report(os.Stdout, res); err != nil {
		fmt.Fprintln(os.Stderr, "ratios: error:", err)
		os.Exit(1)
	}
}

// results maps a benchmark name, without its -GOMAXPROCS suffix, and a
// unit such as "ns/op" to the values of every run.
type results map[string]map[string][]float64

var line = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func read(r io.Reader) (results, error) {
	res := results{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			if res[m[1]] == nil {
				res[m[1]] = map[string][]float64{}
			}
			res[m[1]][fields[i+1]] = append(res[m[1]][fields[i+1]], v)
		}
	}
	return res, sc.Err()
}

// median returns the median of name's unit, or an error naming what is
// missing.
func (r results) median(name, unit string) (float64, error) {
	vs := slices.Clone(r[name][unit])
	if len(vs) == 0 {
		return 0, fmt.Errorf("no %s for Benchmark%s in the input", unit, name)
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2, nil
	}
	return vs[len(vs)/2], nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func report(w io.Writer, r results) error {
	var errs []error
	get := func(name, unit string) float64 {
		v, err := r.median(name, unit)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}

	us, crew, gos := get("Validate/samlharness", "ns/op"),
		get("Validate/crewjam", "ns/op"), get("Validate/gosaml2", "ns/op")
	peer, peerNS := "crewjam", crew
	if gos < crew {
		peer, peerNS = "gosaml2", gos
	}
	peerB := get("Validate/"+peer, "B/op")
	usB := get("Validate/samlharness", "B/op")
	signUs, signCrew, floor := get("Sign/samlharness", "ns/op"),
		get("Sign/crewjam", "ns/op"), get("Sign/floor", "ns/op")
	login := get("Login", "logins/s")
	contract := get("Contract", "ns/op")
	if len(errs) > 0 {
		return errs[0]
	}

	floorRate := 1e9 / floor
	fmt.Fprintf(w, "validation: samlharness %.2f× faster than crewjam, %.2f× faster than "+
		"gosaml2; target ≥ 2× the faster peer (%s): %s\n", crew/us, gos/us, peer,
		verdict(peerNS/us >= 2))
	fmt.Fprintf(w, "validation bytes: samlharness allocates %.2f of %s's per response "+
		"(%.0f vs %.0f B); target ≤ 0.33: %s\n", usB/peerB, peer, usB, peerB,
		verdict(usB/peerB <= 1.0/3))
	fmt.Fprintf(w, "signing: samlharness takes %.2f× the bare RSA signatures (crewjam "+
		"%.2f×); target ≤ 1.15×: %s\n", signUs/floor, signCrew/floor,
		verdict(signUs/floor <= 1.15))
	fmt.Fprintf(w, "login: %.0f loopback logins/s = %.2f× the signing floor's rate "+
		"(%.0f/s); target ≥ 0.8×: %s\n", login, login/floorRate, floorRate,
		verdict(login/floorRate >= 0.8))
	fmt.Fprintf(w, "contract: %.2f s on the defaults; target < 2 s: %s\n",
		contract/1e9, verdict(contract < 2e9))
	return nil
}
