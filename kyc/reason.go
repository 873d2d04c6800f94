package kyc

import (
	"fmt"
	"sort"
)

// Code is a stable reason code such as IMG_GLARE. Codes never change meaning; new ones are added to
// the catalogue before any check emits them.
type Code string

// Disposition says who can act on a reason.
type Disposition string

// Dispositions of PRODUCT.md. System means the check could not run and is retried by the job
// queue, not by the applicant.
const (
	Retry  Disposition = "RETRY"
	Review Disposition = "REVIEW"
	Final  Disposition = "FINAL"
	System Disposition = "SYSTEM"
)

// Valid reports whether d is a known disposition.
func (d Disposition) Valid() bool {
	switch d {
	case Retry, Review, Final, System:
		return true
	}
	return false
}

// Reason is one failed check. Message and hint are safe to show the applicant; Detail (scores,
// thresholds) is for reviewers and integrators only.
type Reason struct {
	Code        Code           `json:"code"`
	Disposition Disposition    `json:"disposition"`
	Step        Step           `json:"step"`
	Side        Side           `json:"side,omitempty"`
	Message     string         `json:"message"`
	MessageZH   string         `json:"message_zh"`
	Hint        string         `json:"hint,omitempty"`
	HintZH      string         `json:"hint_zh,omitempty"`
	Comment     string         `json:"comment,omitempty"` // a reviewer's words to the applicant
	Detail      map[string]any `json:"detail,omitempty"`
}

// Finding is what a check reports before policy and language are applied: the code, where it
// applies and the measurements behind it.
type Finding struct {
	Code   Code           `json:"code"`
	Step   Step           `json:"step"`
	Side   Side           `json:"side,omitempty"`
	Detail map[string]any `json:"detail,omitempty"`
}

// Entry is a reason code's catalogue record.
type Entry struct {
	Code      Code
	Default   Disposition
	Step      Step // the step it normally concerns; a finding may name another
	Message   string
	MessageZH string
	Hint      string
	HintZH    string
}

// Reason codes. The default disposition of each is in the catalogue.
const (
	FileFormatUnsupported Code = "FILE_FORMAT_UNSUPPORTED"
	FileTooLarge          Code = "FILE_TOO_LARGE"
	FileCorrupted         Code = "FILE_CORRUPTED"
	FileDuplicateUpload   Code = "FILE_DUPLICATE_UPLOAD"

	ImgBlurry        Code = "IMG_BLURRY"
	ImgGlare         Code = "IMG_GLARE"
	ImgTooDark       Code = "IMG_TOO_DARK"
	ImgOverexposed   Code = "IMG_OVEREXPOSED"
	ImgShadow        Code = "IMG_SHADOW"
	ImgCutOff        Code = "IMG_CUT_OFF"
	ImgDocTooSmall   Code = "IMG_DOC_TOO_SMALL"
	ImgDataCovered   Code = "IMG_DATA_COVERED"
	ImgLowResolution Code = "IMG_LOW_RESOLUTION"
	ImgBlackAndWhite Code = "IMG_BLACK_AND_WHITE"

	DocNotFoundInImage  Code = "DOC_NOT_FOUND_IN_IMAGE"
	DocSideMissing      Code = "DOC_SIDE_MISSING"
	DocSameSideTwice    Code = "DOC_SAME_SIDE_TWICE"
	DocMultipleInImage  Code = "DOC_MULTIPLE_IN_IMAGE"
	DocFieldsUnreadable Code = "DOC_FIELDS_UNREADABLE"

	DocExpired              Code = "DOC_EXPIRED"
	DocTypeNotAccepted      Code = "DOC_TYPE_NOT_ACCEPTED"
	DocCountryNotAccepted   Code = "DOC_COUNTRY_NOT_ACCEPTED"
	DocTypeMismatchSelected Code = "DOC_TYPE_MISMATCH_SELECTED"
	MRZInvalid              Code = "MRZ_INVALID"
	DocNumberInvalid        Code = "DOC_NUMBER_INVALID"
	AgeBelowMinimum         Code = "AGE_BELOW_MINIMUM"

	DataMismatchName         Code = "DATA_MISMATCH_NAME"
	DataMismatchDOB          Code = "DATA_MISMATCH_DOB"
	DataMismatchNationality  Code = "DATA_MISMATCH_NATIONALITY"
	DataInternalInconsistent Code = "DATA_INTERNAL_INCONSISTENT"

	SelfieNoFace            Code = "SELFIE_NO_FACE"
	SelfieMultipleFaces     Code = "SELFIE_MULTIPLE_FACES"
	SelfieQuality           Code = "SELFIE_QUALITY"
	LivenessChallengeFailed Code = "LIVENESS_CHALLENGE_FAILED"
	LivenessExpired         Code = "LIVENESS_EXPIRED"
	LivenessSpoofSuspected  Code = "LIVENESS_SPOOF_SUSPECTED"

	FaceMatchInconclusive Code = "FACE_MATCH_INCONCLUSIVE"
	FaceMismatch          Code = "FACE_MISMATCH"

	POATooOld          Code = "POA_TOO_OLD"
	POADateMissing     Code = "POA_DATE_MISSING"
	POANameMissing     Code = "POA_NAME_MISSING"
	POAAddressMissing  Code = "POA_ADDRESS_MISSING"
	POANameMismatch    Code = "POA_NAME_MISMATCH"
	POAAddressMismatch Code = "POA_ADDRESS_MISMATCH"
	POATypeNotAccepted Code = "POA_TYPE_NOT_ACCEPTED"
	// POAEditSuspected is kycd's own code: the file shows signs of editing (an image editor as the
	// PDF's producer, an incremental update that changed its text). Never an automatic rejection.
	POAEditSuspected Code = "POA_EDIT_SUSPECTED"

	DuplicateDocument Code = "DUPLICATE_DOCUMENT"
	DuplicateFace     Code = "DUPLICATE_FACE"

	ResubmissionLimitReached Code = "RESUBMISSION_LIMIT_REACHED"
	CheckUnavailable         Code = "CHECK_UNAVAILABLE"
	ManualRejection          Code = "MANUAL_REJECTION"

	// Codes kycd adds to PRODUCT.md's taxonomy.
	ProfileInvalid Code = "PROFILE_INVALID" // the profile fails validation on submit
	ProfileChanged Code = "PROFILE_CHANGED" // re-KYC after the applicant changed name or address
)

var catalogue = map[Code]Entry{}

func add(code Code, d Disposition, step Step, msg, msgZH, hint, hintZH string) {
	if _, dup := catalogue[code]; dup {
		panic("kyc: reason code catalogued twice: " + string(code))
	}
	catalogue[code] = Entry{code, d, step, msg, msgZH, hint, hintZH}
}

func init() {
	add(FileFormatUnsupported, Retry, StepIdentity,
		"This file type is not supported.", "不支持该文件格式。",
		"Upload a JPEG or PNG photo (or a PDF for proof of address).", "请上传 JPEG 或 PNG 照片（地址证明也可上传 PDF）。")
	add(FileTooLarge, Retry, StepIdentity,
		"The file is too large.", "文件过大。",
		"Upload a smaller file: take the photo again at a lower resolution or compress it.", "请上传较小的文件：降低分辨率重新拍摄或压缩后再上传。")
	add(FileCorrupted, Retry, StepIdentity,
		"The file could not be opened; it may be damaged or incomplete.", "无法打开该文件，文件可能已损坏或不完整。",
		"Take the photo again, or export the document again, and upload the new file.", "请重新拍摄或重新导出文件后上传。")
	add(FileDuplicateUpload, Retry, StepIdentity,
		"This exact file was already uploaded.", "该文件已经上传过。",
		"Upload a new photo instead of the same file again.", "请上传新拍摄的照片，不要重复上传同一文件。")

	add(ImgBlurry, Retry, StepIdentity,
		"The photo is blurry, so the text cannot be read.", "照片模糊，无法识别文字。",
		"Hold the phone still, let the camera focus on the document, and take the photo again.", "请保持手机稳定，待相机对焦后重新拍摄。")
	add(ImgGlare, Retry, StepIdentity,
		"Light is reflecting off the document and hides part of it.", "证件表面有反光，遮挡了部分内容。",
		"Move away from direct light or tilt the document slightly, then take the photo again.", "请避开直射光源或稍微倾斜证件后重新拍摄。")
	add(ImgTooDark, Retry, StepIdentity,
		"The photo is too dark.", "照片太暗。",
		"Take the photo in a brighter place, without covering the document's light.", "请在光线更明亮的地方重新拍摄。")
	add(ImgOverexposed, Retry, StepIdentity,
		"The photo is too bright and parts of the document are washed out.", "照片过亮，证件部分内容无法看清。",
		"Avoid direct sunlight or the flash and take the photo again.", "请避免阳光直射或闪光灯后重新拍摄。")
	add(ImgShadow, Retry, StepIdentity,
		"A strong shadow falls across the document.", "证件上有明显阴影。",
		"Make sure the light falls evenly on the document, with no shadow of your hand or phone.", "请确保光线均匀照在证件上，避免手或手机的阴影。")
	add(ImgCutOff, Retry, StepIdentity,
		"Part of the document is outside the photo.", "证件有部分在照片范围之外。",
		"Keep all four corners of the document inside the frame.", "请确保证件四个角都在取景框内。")
	add(ImgDocTooSmall, Retry, StepIdentity,
		"The document is too small in the photo.", "证件在照片中所占比例太小。",
		"Move the camera closer so the document fills most of the frame.", "请靠近一些，让证件占满取景框的大部分。")
	add(ImgDataCovered, Retry, StepIdentity,
		"Something (a finger or an object) covers part of the document's data.", "手指或物体遮挡了证件上的信息。",
		"Hold the document by its edges and keep all text and the photo uncovered.", "请拿住证件边缘，不要遮挡文字和照片。")
	add(ImgLowResolution, Retry, StepIdentity,
		"The image resolution is too low to read the document.", "图片分辨率太低，无法识别证件。",
		"Use your phone's main camera at full resolution and do not send a screenshot.", "请使用手机后置摄像头以最高分辨率拍摄，不要上传截图。")
	add(ImgBlackAndWhite, Retry, StepIdentity,
		"The photo is black and white; a colour photo of the original document is required.", "照片为黑白图像，需要证件原件的彩色照片。",
		"Take a colour photo of the original document, not of a copy.", "请拍摄证件原件的彩色照片，不要拍摄复印件。")

	add(DocNotFoundInImage, Retry, StepIdentity,
		"No document was found in the photo.", "照片中未发现证件。",
		"Place the document on a plain, contrasting surface and take the photo again.", "请将证件放在颜色对比明显的平面上重新拍摄。")
	add(DocSideMissing, Retry, StepIdentity,
		"A side of the document is missing.", "缺少证件的一面。",
		"Upload both the front and the back of the document.", "请上传证件的正面和背面。")
	add(DocSameSideTwice, Retry, StepIdentity,
		"The same side of the document was uploaded twice.", "证件同一面被上传了两次。",
		"Turn the document over and photograph the other side.", "请将证件翻面，拍摄另一面。")
	add(DocMultipleInImage, Retry, StepIdentity,
		"More than one document is in the photo.", "照片中有多个证件。",
		"Photograph one document at a time.", "请每次只拍摄一个证件。")
	add(DocFieldsUnreadable, Retry, StepIdentity,
		"The document's details could not be read.", "无法识别证件上的信息。",
		"Take a sharp, well-lit photo with the whole document in the frame.", "请在光线充足处拍摄清晰、完整的证件照片。")

	add(DocExpired, Retry, StepIdentity,
		"The document has expired.", "证件已过期。",
		"Upload a document that is currently valid.", "请上传在有效期内的证件。")
	add(DocTypeNotAccepted, Retry, StepIdentity,
		"This type of document is not accepted.", "不接受该类型的证件。",
		"Choose one of the accepted document types listed for your country.", "请选择您所在国家/地区可接受的证件类型。")
	add(DocCountryNotAccepted, Retry, StepIdentity,
		"Documents from this country are not accepted for this level.", "该级别不接受此国家/地区签发的证件。",
		"Use a document issued by one of the accepted countries.", "请使用可接受国家/地区签发的证件。")
	add(DocTypeMismatchSelected, Retry, StepIdentity,
		"The document in the photo is not the type you selected.", "照片中的证件与您选择的证件类型不一致。",
		"Select the document type that matches the document you photograph.", "请选择与所拍证件一致的证件类型。")
	add(MRZInvalid, Retry, StepIdentity,
		"The machine-readable zone of the document could not be verified.", "证件机读区无法验证。",
		"Take a sharp photo in which the two or three lines of characters at the bottom are fully visible.", "请重新拍摄，确保证件底部的两到三行机读码清晰完整。")
	add(DocNumberInvalid, Review, StepIdentity,
		"The document number could not be validated.", "证件号码无法通过校验。",
		"A specialist will check your document; you do not need to do anything.", "工作人员将人工核查您的证件，您无需操作。")
	add(AgeBelowMinimum, Final, StepIdentity,
		"You do not meet the minimum age for this service.", "您未达到本服务的最低年龄要求。",
		"If your date of birth was read wrongly, you can appeal.", "如果出生日期识别有误，您可以提出申诉。")

	add(DataMismatchName, Retry, StepProfile,
		"The name in your profile does not match the name on the document.", "您填写的姓名与证件上的姓名不一致。",
		"Enter your name exactly as printed on the document, or upload the document that carries your name.", "请按证件上印刷的姓名填写，或上传载有您姓名的证件。")
	add(DataMismatchDOB, Retry, StepProfile,
		"The date of birth in your profile does not match the document.", "您填写的出生日期与证件不一致。",
		"Correct your date of birth, or upload your own document.", "请更正出生日期，或上传本人的证件。")
	add(DataMismatchNationality, Retry, StepProfile,
		"The nationality in your profile does not match the document.", "您填写的国籍与证件不一致。",
		"Correct your nationality, or upload a document of the country you selected.", "请更正国籍，或上传所选国家/地区签发的证件。")
	add(DataInternalInconsistent, Review, StepIdentity,
		"The data printed on the document and in its machine-readable zone differ.", "证件印刷信息与机读区信息不一致。",
		"A specialist will check your document; you do not need to do anything.", "工作人员将人工核查您的证件，您无需操作。")

	add(SelfieNoFace, Retry, StepSelfie,
		"No face was found in the selfie.", "自拍照中未检测到人脸。",
		"Look straight at the camera with your whole face in the frame.", "请正对镜头，确保整张脸都在取景框内。")
	add(SelfieMultipleFaces, Retry, StepSelfie,
		"More than one face is in the selfie.", "自拍照中有多张人脸。",
		"Make sure only you are in the picture.", "请确保画面中只有您本人。")
	add(SelfieQuality, Retry, StepSelfie,
		"The selfie is not clear enough.", "自拍照不够清晰。",
		"Face a light source, keep your eyes open, hold the phone still and fill the oval with your face.", "请面向光源、睁开眼睛、保持手机稳定，并让脸部填满椭圆框。")
	add(LivenessChallengeFailed, Retry, StepLiveness,
		"We could not see one of the requested movements.", "未能识别到要求的动作。",
		"Do each movement slowly and clearly, in the order shown.", "请按显示的顺序缓慢、清楚地完成每个动作。")
	add(LivenessExpired, Retry, StepLiveness,
		"The liveness check took too long.", "活体检测超时。",
		"Start a new check and complete it within the time shown.", "请重新开始检测，并在规定时间内完成。")
	add(LivenessSpoofSuspected, Review, StepLiveness,
		"The liveness check needs a manual review.", "活体检测需要人工审核。",
		"A specialist will review it; you do not need to do anything.", "工作人员将进行审核，您无需操作。")

	add(FaceMatchInconclusive, Retry, StepSelfie,
		"We could not compare your selfie with the photo on the document.", "无法将您的自拍与证件照片进行比对。",
		"Take a clear selfie facing the camera, and make sure the document photo is sharp and uncovered.", "请正对镜头拍摄清晰的自拍，并确保证件照片清晰、无遮挡。")
	add(FaceMismatch, Review, StepSelfie,
		"Your selfie and the document photo need a manual comparison.", "您的自拍与证件照片需要人工比对。",
		"A specialist will review it; you do not need to do anything.", "工作人员将进行审核，您无需操作。")

	add(POATooOld, Retry, StepProofOfAddress,
		"The proof of address is too old.", "地址证明文件日期过早。",
		"Upload a document issued within the last three months.", "请上传最近三个月内签发的文件。")
	add(POADateMissing, Retry, StepProofOfAddress,
		"No issue date was found on the proof of address.", "地址证明文件上未找到签发日期。",
		"Upload the complete document, including the page that shows its date.", "请上传完整文件，包括显示日期的页面。")
	add(POANameMissing, Retry, StepProofOfAddress,
		"Your name was not found on the proof of address.", "地址证明文件上未找到您的姓名。",
		"Upload a document addressed to you, with your full name visible.", "请上传写有您全名的文件。")
	add(POAAddressMissing, Retry, StepProofOfAddress,
		"No address was found on the proof of address.", "地址证明文件上未找到地址。",
		"Upload the page that shows your full address.", "请上传显示您完整地址的页面。")
	add(POANameMismatch, Retry, StepProofOfAddress,
		"The name on the proof of address is not yours.", "地址证明文件上的姓名与您不一致。",
		"Upload a document in your own name.", "请上传以您本人名义开具的文件。")
	add(POAAddressMismatch, Retry, StepProofOfAddress,
		"The address on the proof of address does not match your profile.", "地址证明文件上的地址与您填写的地址不一致。",
		"Correct the address in your profile, or upload a document for the address you entered.", "请更正您填写的地址，或上传与所填地址一致的文件。")
	add(POATypeNotAccepted, Retry, StepProofOfAddress,
		"This type of document is not accepted as proof of address.", "该类文件不能作为地址证明。",
		"Upload a utility bill, bank statement or government letter.", "请上传水电燃气账单、银行对账单或政府信函。")
	add(POAEditSuspected, Review, StepProofOfAddress,
		"Your proof of address needs a manual check.", "您的地址证明文件需要人工审核。",
		"A specialist will review it; you do not need to do anything.", "工作人员将进行审核，您无需操作。")

	add(DuplicateDocument, Review, StepIdentity,
		"This document is already used by another account.", "该证件已被其他账户使用。",
		"A specialist will review it; you do not need to do anything.", "工作人员将进行审核，您无需操作。")
	add(DuplicateFace, Review, StepSelfie,
		"Your face matches another account.", "您的面部与其他账户匹配。",
		"A specialist will review it; you do not need to do anything.", "工作人员将进行审核，您无需操作。")

	add(ResubmissionLimitReached, Final, StepIdentity,
		"The maximum number of attempts for this step has been reached.", "该步骤已达到最大尝试次数。",
		"You can appeal and a specialist will look at your case.", "您可以提出申诉，工作人员将审核您的情况。")
	add(CheckUnavailable, System, StepIdentity,
		"A check could not be completed; we are retrying automatically.", "部分检查暂时无法完成，系统正在自动重试。",
		"You do not need to do anything.", "您无需操作。")
	add(ManualRejection, Final, StepIdentity,
		"A reviewer could not accept this step.", "审核人员未能通过此步骤。",
		"Read the reviewer's comment for what to do.", "请查看审核人员的说明。")

	add(ProfileInvalid, Retry, StepProfile,
		"Your profile is incomplete or contains invalid data.", "您的个人信息不完整或有误。",
		"Complete every required field of your profile.", "请完整填写个人信息中的所有必填项。")
	add(ProfileChanged, Retry, StepIdentity,
		"Your profile changed, so this step must be verified again.", "您的个人信息已变更，需要重新验证此步骤。",
		"Upload a document that matches your new details.", "请上传与新信息一致的证件或文件。")
}

// Lookup returns the catalogue entry for code.
func Lookup(code Code) (Entry, bool) {
	e, ok := catalogue[code]
	return e, ok
}

// Catalogue returns every entry sorted by code.
func Catalogue() []Entry {
	out := make([]Entry, 0, len(catalogue))
	for _, e := range catalogue {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Known reports whether code is in the catalogue.
func (c Code) Known() bool { _, ok := catalogue[c]; return ok }

// NewFinding is a shorthand for checks: the step defaults to the catalogue's.
func NewFinding(code Code, side Side, detail map[string]any) Finding {
	e, ok := catalogue[code]
	if !ok {
		panic(fmt.Sprintf("kyc: finding with uncatalogued code %q", code))
	}
	return Finding{Code: code, Step: e.Step, Side: side, Detail: detail}
}

// Explain turns a finding into a reason with the applicant messages and the given disposition.
func Explain(f Finding, d Disposition) Reason {
	e, ok := catalogue[f.Code]
	if !ok {
		e = catalogue[CheckUnavailable]
	}
	step := f.Step
	if step == "" {
		step = e.Step
	}
	return Reason{Code: f.Code, Disposition: d, Step: step, Side: f.Side,
		Message: e.Message, MessageZH: e.MessageZH, Hint: e.Hint, HintZH: e.HintZH, Detail: f.Detail}
}

// Public returns the reason without its internal detail, for the applicant.
func (r Reason) Public() Reason {
	r.Detail = nil
	return r
}
