package mrz

// Format names a machine-readable zone layout.
type Format string

// The layouts Parse reads. TD1, TD2 and TD3 are ICAO 9303 Parts 5, 6 and 4; MRVA and MRVB are the
// visa layouts of Part 7. The three national formats are not ICAO zones but share the alphabet and
// the 7-3-1 check digit, and their cards are common enough among applicants to be read too.
const (
	TD1                  Format = "TD1"
	TD2                  Format = "TD2"
	TD3                  Format = "TD3"
	MRVA                 Format = "MRVA"
	MRVB                 Format = "MRVB"
	FrenchID             Format = "FRENCH_ID"              // French identity card issued 1988-2021 (2×36)
	FrenchDrivingLicence Format = "FRENCH_DRIVING_LICENCE" // French driving licence (1×30)
	SwissDrivingLicence  Format = "SWISS_DRIVING_LICENCE"  // Swiss driving licence (9, 30, 30)
)

// kind says which characters a position may hold, which decides how confusable characters are read.
type kind uint8

const (
	kAlpha   kind = iota // letters and filler: digits read as their look-alike letters
	kNumeric             // digits and filler: letters read as their look-alike digits
	kAlnum               // document and optional numbers: look-alikes resolved by check digits
	kCheck               // one check digit (or filler where the field may be empty)
	kSex                 // M, F, X or filler
	kName                // names: letters and filler, digits read as look-alike letters
	kFiller              // positions the layout reserves for '<'
	kRaw                 // fixed text taken as read
)

// span is a run of characters on one line, to exclusive.
type span struct{ line, from, to int }

// Field names shared by layouts, corrections, checks and problems.
const (
	fDocumentCode   = "document_code"
	fIssuingCountry = "issuing_country"
	fDocumentNumber = "document_number"
	fNationality    = "nationality"
	fDateOfBirth    = "date_of_birth"
	fSex            = "sex"
	fExpiryDate     = "expiry_date"
	fPersonalNumber = "personal_number"
	fOptionalData   = "optional_data"
	fOptionalData2  = "optional_data_2"
	fNames          = "names"
	fSurname        = "surname"
	fGivenNames     = "given_names"
	fIssueDate      = "issue_date"
	fAdminCode      = "administrative_code"
	fComposite      = "composite"
	fLanguage       = "language"
	fVersion        = "version"
)

type fieldSpec struct {
	name string
	kind kind
	at   span
}

// checkSpec is one check digit: the digit's position and the text it protects. Alternatives list
// other readings of the protected text, the first that verifies wins (the long TD1 document
// number is computed with or without the filler by different issuers).
type checkSpec struct {
	name  string
	digit span
	over  [][]span
}

type layout struct {
	format  Format
	lengths []int
	fields  []fieldSpec
	checks  []checkSpec
	// longDoc, when set, is where a document number longer than 9 characters continues:
	// the check digit position holds '<' and the number goes on in ext.
	longDoc *longDocSpec
}

type longDocSpec struct {
	number span // the first 9 characters
	check  span // the normal check digit position, '<' for a long number
	ext    span // the optional data field the number continues in
}

func sp(line, from, to int) span { return span{line, from, to} }

func one(line, at int) span { return span{line, at, at + 1} }

var td1 = layout{
	format:  TD1,
	lengths: []int{30, 30, 30},
	fields: []fieldSpec{
		{fDocumentCode, kAlpha, sp(0, 0, 2)},
		{fIssuingCountry, kAlpha, sp(0, 2, 5)},
		{fDocumentNumber, kAlnum, sp(0, 5, 14)},
		{"check:" + fDocumentNumber, kCheck, one(0, 14)},
		{fOptionalData, kAlnum, sp(0, 15, 30)},
		{fDateOfBirth, kNumeric, sp(1, 0, 6)},
		{"check:" + fDateOfBirth, kCheck, one(1, 6)},
		{fSex, kSex, one(1, 7)},
		{fExpiryDate, kNumeric, sp(1, 8, 14)},
		{"check:" + fExpiryDate, kCheck, one(1, 14)},
		{fNationality, kAlpha, sp(1, 15, 18)},
		{fOptionalData2, kAlnum, sp(1, 18, 29)},
		{"check:" + fComposite, kCheck, one(1, 29)},
		{fNames, kName, sp(2, 0, 30)},
	},
	checks: []checkSpec{
		{fDocumentNumber, one(0, 14), [][]span{{sp(0, 5, 14)}}},
		{fDateOfBirth, one(1, 6), [][]span{{sp(1, 0, 6)}}},
		{fExpiryDate, one(1, 14), [][]span{{sp(1, 8, 14)}}},
		{fComposite, one(1, 29), [][]span{{sp(0, 5, 30), sp(1, 0, 7), sp(1, 8, 15), sp(1, 18, 29)}}},
	},
	longDoc: &longDocSpec{number: sp(0, 5, 14), check: one(0, 14), ext: sp(0, 15, 30)},
}

var td2 = layout{
	format:  TD2,
	lengths: []int{36, 36},
	fields: []fieldSpec{
		{fDocumentCode, kAlpha, sp(0, 0, 2)},
		{fIssuingCountry, kAlpha, sp(0, 2, 5)},
		{fNames, kName, sp(0, 5, 36)},
		{fDocumentNumber, kAlnum, sp(1, 0, 9)},
		{"check:" + fDocumentNumber, kCheck, one(1, 9)},
		{fNationality, kAlpha, sp(1, 10, 13)},
		{fDateOfBirth, kNumeric, sp(1, 13, 19)},
		{"check:" + fDateOfBirth, kCheck, one(1, 19)},
		{fSex, kSex, one(1, 20)},
		{fExpiryDate, kNumeric, sp(1, 21, 27)},
		{"check:" + fExpiryDate, kCheck, one(1, 27)},
		{fOptionalData, kAlnum, sp(1, 28, 35)},
		{"check:" + fComposite, kCheck, one(1, 35)},
	},
	checks: []checkSpec{
		{fDocumentNumber, one(1, 9), [][]span{{sp(1, 0, 9)}}},
		{fDateOfBirth, one(1, 19), [][]span{{sp(1, 13, 19)}}},
		{fExpiryDate, one(1, 27), [][]span{{sp(1, 21, 27)}}},
		{fComposite, one(1, 35), [][]span{{sp(1, 0, 10), sp(1, 13, 20), sp(1, 21, 35)}}},
	},
	longDoc: &longDocSpec{number: sp(1, 0, 9), check: one(1, 9), ext: sp(1, 28, 35)},
}

var td3 = layout{
	format:  TD3,
	lengths: []int{44, 44},
	fields: []fieldSpec{
		{fDocumentCode, kAlpha, sp(0, 0, 2)},
		{fIssuingCountry, kAlpha, sp(0, 2, 5)},
		{fNames, kName, sp(0, 5, 44)},
		{fDocumentNumber, kAlnum, sp(1, 0, 9)},
		{"check:" + fDocumentNumber, kCheck, one(1, 9)},
		{fNationality, kAlpha, sp(1, 10, 13)},
		{fDateOfBirth, kNumeric, sp(1, 13, 19)},
		{"check:" + fDateOfBirth, kCheck, one(1, 19)},
		{fSex, kSex, one(1, 20)},
		{fExpiryDate, kNumeric, sp(1, 21, 27)},
		{"check:" + fExpiryDate, kCheck, one(1, 27)},
		{fPersonalNumber, kAlnum, sp(1, 28, 42)},
		{"check:" + fPersonalNumber, kCheck, one(1, 42)},
		{"check:" + fComposite, kCheck, one(1, 43)},
	},
	checks: []checkSpec{
		{fDocumentNumber, one(1, 9), [][]span{{sp(1, 0, 9)}}},
		{fDateOfBirth, one(1, 19), [][]span{{sp(1, 13, 19)}}},
		{fExpiryDate, one(1, 27), [][]span{{sp(1, 21, 27)}}},
		{fPersonalNumber, one(1, 42), [][]span{{sp(1, 28, 42)}}},
		{fComposite, one(1, 43), [][]span{{sp(1, 0, 10), sp(1, 13, 20), sp(1, 21, 43)}}},
	},
}

// visa builds the MRV-A (44) or MRV-B (36) layout: TD3/TD2 lines without a composite check digit.
func visa(f Format, n int) layout {
	return layout{
		format:  f,
		lengths: []int{n, n},
		fields: []fieldSpec{
			{fDocumentCode, kAlpha, sp(0, 0, 2)},
			{fIssuingCountry, kAlpha, sp(0, 2, 5)},
			{fNames, kName, sp(0, 5, n)},
			{fDocumentNumber, kAlnum, sp(1, 0, 9)},
			{"check:" + fDocumentNumber, kCheck, one(1, 9)},
			{fNationality, kAlpha, sp(1, 10, 13)},
			{fDateOfBirth, kNumeric, sp(1, 13, 19)},
			{"check:" + fDateOfBirth, kCheck, one(1, 19)},
			{fSex, kSex, one(1, 20)},
			{fExpiryDate, kNumeric, sp(1, 21, 27)},
			{"check:" + fExpiryDate, kCheck, one(1, 27)},
			{fOptionalData, kAlnum, sp(1, 28, n)},
		},
		checks: []checkSpec{
			{fDocumentNumber, one(1, 9), [][]span{{sp(1, 0, 9)}}},
			{fDateOfBirth, one(1, 19), [][]span{{sp(1, 13, 19)}}},
			{fExpiryDate, one(1, 27), [][]span{{sp(1, 21, 27)}}},
		},
	}
}

var (
	mrva = visa(MRVA, 44)
	mrvb = visa(MRVB, 36)
)

// frenchID is the French identity card of 1988-2021: surname and administrative code on line 1;
// issue month, department, card number, given names, birth date and sex on line 2. The card
// number printed on the card is the first 12 characters of line 2.
var frenchID = layout{
	format:  FrenchID,
	lengths: []int{36, 36},
	fields: []fieldSpec{
		{fDocumentCode, kAlpha, sp(0, 0, 2)},
		{fIssuingCountry, kAlpha, sp(0, 2, 5)},
		{fSurname, kName, sp(0, 5, 30)},
		{fAdminCode, kAlnum, sp(0, 30, 36)},
		{fIssueDate, kNumeric, sp(1, 0, 4)},
		{fAdminCode + "_2", kAlnum, sp(1, 4, 7)},
		{fDocumentNumber, kNumeric, sp(1, 7, 12)},
		{"check:" + fDocumentNumber, kCheck, one(1, 12)},
		{fGivenNames, kName, sp(1, 13, 27)},
		{fDateOfBirth, kNumeric, sp(1, 27, 33)},
		{"check:" + fDateOfBirth, kCheck, one(1, 33)},
		{fSex, kSex, one(1, 34)},
		{"check:" + fComposite, kCheck, one(1, 35)},
	},
	checks: []checkSpec{
		{fDocumentNumber, one(1, 12), [][]span{{sp(1, 0, 12)}}},
		{fDateOfBirth, one(1, 33), [][]span{{sp(1, 27, 33)}}},
		{fComposite, one(1, 35), [][]span{{sp(0, 0, 36), sp(1, 0, 35)}}},
	},
}

var frenchDL = layout{
	format:  FrenchDrivingLicence,
	lengths: []int{30},
	fields: []fieldSpec{
		{fDocumentCode, kRaw, sp(0, 0, 2)},
		{fIssuingCountry, kAlpha, sp(0, 2, 5)},
		{fDocumentNumber, kAlnum, sp(0, 5, 14)},
		{"check:" + fDocumentNumber, kCheck, one(0, 14)},
		{fExpiryDate, kNumeric, sp(0, 15, 21)},
		{fSurname, kName, sp(0, 21, 29)},
		{"check:" + fComposite, kCheck, one(0, 29)},
	},
	checks: []checkSpec{
		{fDocumentNumber, one(0, 14), [][]span{{sp(0, 0, 14)}}}, // code and country included
		{fComposite, one(0, 29), [][]span{{sp(0, 0, 29)}}},
	},
}

var swissDL = layout{
	format:  SwissDrivingLicence,
	lengths: []int{9, 30, 30},
	fields: []fieldSpec{
		{fDocumentNumber + "_prefix", kAlpha, sp(0, 0, 3)},
		{fDocumentNumber + "_serial", kNumeric, sp(0, 3, 6)},
		{fLanguage, kAlpha, one(0, 6)},
		{"filler", kFiller, sp(0, 7, 9)},
		{fDocumentCode, kAlpha, sp(1, 0, 2)},
		{fIssuingCountry, kAlpha, sp(1, 2, 5)},
		{fPersonalNumber, kNumeric, sp(1, 5, 14)},
		{fVersion, kNumeric, sp(1, 14, 17)},
		{"filler", kFiller, sp(1, 17, 19)},
		{fDateOfBirth, kNumeric, sp(1, 19, 25)},
		{"filler", kFiller, sp(1, 25, 30)},
		{fNames, kName, sp(2, 0, 30)},
	},
}
