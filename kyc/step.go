package kyc

// Step is one part of a level that the applicant completes and that is checked, attempted and
// redone on its own.
type Step string

// The steps of PRODUCT.md. Selfie and liveness are captured on one screen but attempted
// separately, so a failed challenge does not force a new selfie.
const (
	StepProfile        Step = "profile"
	StepIdentity       Step = "identity"
	StepSelfie         Step = "selfie"
	StepLiveness       Step = "liveness"
	StepProofOfAddress Step = "proof_of_address"
)

// Steps lists every step in the order an applicant meets them.
var Steps = []Step{StepProfile, StepIdentity, StepSelfie, StepLiveness, StepProofOfAddress}

// Valid reports whether s is a known step.
func (s Step) Valid() bool {
	for _, k := range Steps {
		if s == k {
			return true
		}
	}
	return false
}

// Side says which part of a step's capture a file or reason concerns.
type Side string

// Sides of the identity step; the other slots of a step are named too so that every stored file
// has one.
const (
	SideNone   Side = ""
	SideFront  Side = "front"
	SideBack   Side = "back"
	SideSelfie Side = "selfie"
	SideFrame  Side = "frame"
	SidePOA    Side = "poa"
	SideAppeal Side = "appeal"
)

// DocType is the kind of identity document.
type DocType string

// Identity document types of PRODUCT.md.
const (
	DocPassport        DocType = "passport"
	DocIDCard          DocType = "id_card"
	DocDrivingLicence  DocType = "driving_licence"
	DocResidencePermit DocType = "residence_permit"
)

// DocTypes lists every document type.
var DocTypes = []DocType{DocPassport, DocIDCard, DocDrivingLicence, DocResidencePermit}

// Valid reports whether t is a known document type.
func (t DocType) Valid() bool {
	for _, k := range DocTypes {
		if t == k {
			return true
		}
	}
	return false
}

// HasBack reports whether the document type has a back side to capture. A passport's data page is
// one image.
func (t DocType) HasBack() bool { return t != DocPassport && t != "" }

// LivenessAction is one move of an active liveness challenge.
type LivenessAction string

// Challenge actions.
const (
	ActionBlink     LivenessAction = "blink"
	ActionTurnLeft  LivenessAction = "turn_left"
	ActionTurnRight LivenessAction = "turn_right"
	ActionNod       LivenessAction = "nod"
)

// LivenessActions lists every action a challenge can ask for.
var LivenessActions = []LivenessAction{ActionBlink, ActionTurnLeft, ActionTurnRight, ActionNod}
