package preflight

// Rules returns every rule, in the order they run and findings are listed:
// first the structural rules, then the ones that look at what prints, and
// last pages.count, whose limit depends on the destination the address
// rules read.
func Rules() []*Rule {
	return []*Rule{
		Unreadable,
		Encrypted,
		FileSize,
		PageFormat,
		UnembeddedFonts,
		Interactive,
		ZoneBorder,
		ZoneCorner,
		ZoneReserved,
		ZoneBlank,
		AddressMissing,
		AddressOutside,
		AddressLines,
		AddressCountry,
		AddressPostcode,
		AddressFont,
		PageCount,
	}
}

// RuleByID returns the rule with the given ID, or nil.
func RuleByID(id string) *Rule {
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	return nil
}
