// Package vocab holds Pingen API values that package pingen and its fake,
// pingentest, both need. It exists because pingentest cannot import pingen:
// pingen's own tests import pingentest.
package vocab

// GenericProducts are the delivery products of Pingen's spec (pingen-api.md
// C7), in the spec's order.
var GenericProducts = []string{"fast", "cheap", "bulk", "premium", "registered"}

// CarrierProducts are carrier-specific delivery products seen accepted live
// (pingen-api.md C10). Pingen's set is open; these are the ones known.
var CarrierProducts = []string{
	"postag_a", "postag_b", "postag_b2", "postag_registered", "postag_aplus",
	"atpost_economy", "atpost_priority", "dpag_standard", "dpag_economy",
	"indpost_mail", "indpost_speedmail", "nlpost_priority",
	"dhl_europe_priority", "dhl_world_priority",
}
