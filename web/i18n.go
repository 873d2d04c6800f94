package web

import (
	"net/http"
	"strings"
)

// Lang is a page language. kycd's applicant-facing text exists in English and Simplified
// Chinese; every string of the pages comes from the one table below.
type Lang string

// Languages.
const (
	EN Lang = "en"
	ZH Lang = "zh-CN"
)

// msg is one string in both languages.
type msg struct{ en, zh string }

// messages is the one message table of the web pages: the server-rendered console and the
// applicant flow (sent to its script as JSON). Reason messages come from kyc's catalogue.
var messages = map[string]msg{
	// Shared.
	"app.name":         {"Identity verification", "身份验证"},
	"lang.switch":      {"中文", "English"},
	"lang.label":       {"Language", "语言"},
	"error.title":      {"Something went wrong", "出了点问题"},
	"error.generic":    {"We could not complete this request. Please try again in a moment.", "暂时无法完成此请求，请稍后重试。"},
	"error.notfound":   {"This page does not exist.", "页面不存在。"},
	"error.forbidden":  {"You do not have access to this page.", "您无权访问此页面。"},
	"error.conflict":   {"This action is not possible right now.", "当前无法执行此操作。"},
	"error.invalid":    {"Some of the information is not valid.", "部分信息无效。"},
	"error.request_id": {"Reference", "参考编号"},
	"error.back":       {"Go back", "返回"},
	"common.yes":       {"Yes", "是"},
	"common.no":        {"No", "否"},
	"common.none":      {"None", "无"},
	"common.save":      {"Save", "保存"},
	"common.continue":  {"Continue", "继续"},
	"common.back":      {"Back", "返回"},
	"common.cancel":    {"Cancel", "取消"},
	"common.loading":   {"Loading…", "加载中…"},
	"common.retry":     {"Try again", "重试"},
	"common.required":  {"This field is required.", "此项为必填项。"},
	"common.optional":  {"optional", "选填"},
	"common.skip":      {"Skip to content", "跳到主要内容"},

	// Applicant flow.
	"flow.title":              {"Verify your identity", "验证您的身份"},
	"flow.intro":              {"It takes about five minutes. Have your identity document ready.", "大约需要五分钟，请准备好您的身份证件。"},
	"flow.step_of":            {"Step {n} of {total}", "第 {n} 步，共 {total} 步"},
	"flow.no_token":           {"This link is incomplete or has expired. Go back to the app and open the verification again.", "此链接不完整或已过期，请返回应用重新打开验证。"},
	"flow.expired":            {"Your session has expired. Go back to the app and open the verification again.", "您的会话已过期，请返回应用重新打开验证。"},
	"flow.network":            {"We could not reach the server. Check your connection and try again.", "无法连接服务器，请检查网络后重试。"},
	"step.profile":            {"Your details", "个人信息"},
	"step.identity":           {"Identity document", "身份证件"},
	"step.selfie":             {"Selfie", "自拍"},
	"step.liveness":           {"Liveness check", "活体检测"},
	"step.proof_of_address":   {"Proof of address", "地址证明"},
	"step.review":             {"Review and submit", "确认并提交"},
	"profile.intro":           {"Enter your name exactly as it is written on your document.", "请按证件上的写法填写您的姓名。"},
	"profile.first_name":      {"First name(s)", "名"},
	"profile.last_name":       {"Last name", "姓"},
	"profile.date_of_birth":   {"Date of birth", "出生日期"},
	"profile.nationality":     {"Nationality", "国籍"},
	"profile.residence":       {"Country of residence", "居住国家/地区"},
	"profile.address":         {"Home address", "住址"},
	"profile.line1":           {"Street and number", "街道及门牌号"},
	"profile.line2":           {"Apartment, floor", "单元、楼层"},
	"profile.city":            {"City", "城市"},
	"profile.postal_code":     {"Postal code", "邮政编码"},
	"profile.country":         {"Country", "国家/地区"},
	"profile.choose":          {"Choose…", "请选择…"},
	"profile.err_name":        {"Use letters only: no digits or symbols.", "请只使用文字，不要包含数字或符号。"},
	"profile.err_dob":         {"Enter a date in the past.", "请输入过去的日期。"},
	"profile.err_server":      {"Please check this field.", "请检查此项。"},
	"identity.intro":          {"Choose the country that issued your document, then its type.", "请选择签发证件的国家/地区，然后选择证件类型。"},
	"identity.country":        {"Issuing country", "签发国家/地区"},
	"identity.type":           {"Document type", "证件类型"},
	"identity.none":           {"No document from this country is accepted.", "不接受该国家/地区签发的证件。"},
	"doc.passport":            {"Passport", "护照"},
	"doc.id_card":             {"National identity card", "身份证"},
	"doc.driving_licence":     {"Driving licence", "驾驶证"},
	"doc.residence_permit":    {"Residence permit", "居留许可"},
	"side.front":              {"Front side", "正面"},
	"side.back":               {"Back side", "背面"},
	"side.passport":           {"Photo page", "资料页"},
	"side.selfie":             {"Selfie", "自拍"},
	"side.poa":                {"Document", "文件"},
	"capture.doc_intro":       {"Place the document on a dark, flat surface, fill the frame and avoid reflections.", "请将证件平放在深色表面上，使其填满取景框，避免反光。"},
	"capture.selfie_intro":    {"Look straight at the camera in good light. Remove glasses and hats.", "请在光线充足处正对镜头，摘下眼镜和帽子。"},
	"capture.poa_intro":       {"A utility bill, bank statement or government letter from the last three months, showing your name and address.", "最近三个月内的水电燃气账单、银行对账单或政府信函，需显示您的姓名和地址。"},
	"capture.use_camera":      {"Take a photo", "拍照"},
	"capture.upload":          {"Upload a file instead", "改为上传文件"},
	"capture.upload_short":    {"Upload a file", "上传文件"},
	"capture.shoot":           {"Capture", "拍摄"},
	"capture.retake":          {"Retake", "重拍"},
	"capture.use_anyway":      {"Use this photo anyway", "仍然使用此照片"},
	"capture.checking":        {"Checking the photo…", "正在检查照片…"},
	"capture.ok":              {"The photo looks good.", "照片清晰可用。"},
	"capture.problem":         {"Please take this photo again:", "请重新拍摄此照片："},
	"capture.no_camera":       {"We cannot use your camera. Allow camera access, or upload a photo instead.", "无法使用您的摄像头。请允许访问摄像头，或改为上传照片。"},
	"capture.done":            {"Uploaded", "已上传"},
	"hint.dark":               {"Too dark: find more light", "光线太暗：请到更亮的地方"},
	"hint.still":              {"Hold still", "请保持稳定"},
	"hint.glare":              {"Glare: tilt the document slightly", "有反光：请稍微倾斜证件"},
	"hint.closer":             {"Move closer: fill the frame", "请靠近：让证件填满取景框"},
	"hint.good":               {"Good: capture now", "很好：现在拍摄"},
	"hint.face":               {"Put your face in the oval", "请将脸放入椭圆框内"},
	"liveness.intro":          {"We will ask you to make a few movements. Follow them one at a time.", "我们会请您做几个动作，请逐个完成。"},
	"liveness.start":          {"Start", "开始"},
	"liveness.action_of":      {"Movement {n} of {total}", "第 {n} 个动作，共 {total} 个"},
	"liveness.blink":          {"Blink slowly", "慢慢眨眼"},
	"liveness.turn_left":      {"Turn your head to the left", "向左转头"},
	"liveness.turn_right":     {"Turn your head to the right", "向右转头"},
	"liveness.nod":            {"Nod your head", "点头"},
	"liveness.sending":        {"Sending…", "正在发送…"},
	"liveness.done":           {"Movements recorded.", "动作已记录。"},
	"liveness.failed":         {"We could not record the movements. Start again.", "未能记录动作，请重新开始。"},
	"liveness.time_left":      {"{s} s left", "剩余 {s} 秒"},
	"review.intro":            {"Check everything before you submit.", "提交前请检查所有信息。"},
	"review.submit":           {"Submit", "提交"},
	"review.missing":          {"These steps are still missing:", "以下步骤尚未完成："},
	"review.ready":            {"Ready", "已完成"},
	"review.edit":             {"Change", "修改"},
	"status.title":            {"Verification status", "验证状态"},
	"status.not_started":      {"Not started", "未开始"},
	"status.in_progress":      {"In progress", "进行中"},
	"status.pending":          {"We are checking your documents…", "正在检查您的材料…"},
	"status.pending_sub":      {"This usually takes a few seconds. This page updates by itself.", "通常只需几秒钟，此页面会自动更新。"},
	"status.approved":         {"You are verified", "验证已通过"},
	"status.approved_sub":     {"Thank you. You can return to the app.", "谢谢，您可以返回应用了。"},
	"status.action_required":  {"Some steps need your attention", "部分步骤需要您处理"},
	"status.action_sub":       {"Fix the steps below and submit again. Steps that passed are kept.", "请修正以下步骤后重新提交，已通过的步骤会保留。"},
	"status.in_review":        {"A specialist is reviewing your application", "工作人员正在审核您的申请"},
	"status.in_review_sub":    {"You do not need to do anything. Expected answer by {date}.", "您无需操作，预计在 {date} 前给出结果。"},
	"status.rejected":         {"We could not verify you", "未能通过验证"},
	"status.rejected_sub":     {"You can appeal: a specialist will look at your case.", "您可以提出申诉，工作人员将审核您的情况。"},
	"status.fix":              {"Redo this step", "重做此步骤"},
	"status.fix_all":          {"Fix and resubmit", "修正并重新提交"},
	"status.how_to_fix":       {"How to fix it:", "解决方法："},
	"status.reviewer_comment": {"Reviewer's note:", "审核人员说明："},
	"status.attempts_left":    {"Attempts left: {n}", "剩余次数：{n}"},
	"status.step_passed":      {"Passed", "已通过"},
	"status.step_pending":     {"Being checked", "检查中"},
	"status.step_review":      {"In review", "审核中"},
	"status.step_retry":       {"Needs a new attempt", "需要重新提交"},
	"status.step_rejected":    {"Not accepted", "未通过"},
	"status.step_draft":       {"Ready to submit", "待提交"},
	"status.step_not_started": {"Not started", "未开始"},
	"status.continue":         {"Continue verification", "继续验证"},
	"appeal.title":            {"Appeal", "申诉"},
	"appeal.intro":            {"Tell us why you think the decision is wrong. You can attach documents.", "请说明您认为结果有误的原因，可附上相关文件。"},
	"appeal.disagree":         {"Think this is a mistake? Ask a specialist", "认为结果有误？请求人工审核"},
	"appeal.message":          {"Your message", "您的说明"},
	"appeal.files":            {"Files", "文件"},
	"appeal.send":             {"Send appeal", "提交申诉"},
	"appeal.sent":             {"Your appeal was sent. A specialist will review it.", "您的申诉已提交，工作人员将进行审核。"},

	// Reviewer console.
	"console.title":               {"Reviewer console", "审核控制台"},
	"login.title":                 {"Sign in", "登录"},
	"login.email":                 {"Email", "邮箱"},
	"login.password":              {"Password", "密码"},
	"login.submit":                {"Sign in", "登录"},
	"login.failed":                {"Wrong email or password.", "邮箱或密码错误。"},
	"login.locked":                {"Too many failed attempts. Try again in 15 minutes.", "失败次数过多，请 15 分钟后再试。"},
	"login.expired":               {"Your session has ended. Sign in again.", "会话已结束，请重新登录。"},
	"nav.queue":                   {"Queue", "待审队列"},
	"nav.keys":                    {"API keys", "API 密钥"},
	"nav.webhooks":                {"Webhooks", "Webhook"},
	"nav.staff":                   {"Reviewers", "审核人员"},
	"nav.levels":                  {"Levels", "认证等级"},
	"nav.logout":                  {"Sign out", "退出"},
	"queue.title":                 {"Review queue", "审核队列"},
	"queue.empty":                 {"No cases match.", "没有符合条件的案件。"},
	"queue.filter":                {"Filter", "筛选"},
	"queue.level":                 {"Level", "等级"},
	"queue.kind":                  {"Kind", "类型"},
	"queue.code":                  {"Reason code", "原因代码"},
	"queue.status":                {"Status", "状态"},
	"queue.age":                   {"Older than (days)", "超过（天）"},
	"queue.any":                   {"Any", "全部"},
	"queue.due":                   {"Due", "截止"},
	"queue.created":               {"Opened", "创建时间"},
	"queue.applicant":             {"Applicant", "申请人"},
	"queue.reasons":               {"Reasons", "原因"},
	"queue.claimed_by":            {"Claimed by", "认领人"},
	"queue.overdue":               {"overdue", "已逾期"},
	"queue.open":                  {"Open", "打开"},
	"case.claim":                  {"Claim", "认领"},
	"case.release":                {"Release", "释放"},
	"case.title":                  {"Case", "案件"},
	"case.kind.review":            {"Automated review", "自动审核转人工"},
	"case.kind.appeal":            {"Appeal", "申诉"},
	"case.status.open":            {"Open", "待处理"},
	"case.status.claimed":         {"Claimed", "已认领"},
	"case.status.awaiting_second": {"Awaiting second reviewer", "待第二审核人确认"},
	"case.status.closed":          {"Closed", "已关闭"},
	"case.appeal_message":         {"Applicant's appeal", "申请人申诉内容"},
	"case.images":                 {"Images", "图片"},
	"case.zoom":                   {"Click an image to zoom", "点击图片放大"},
	"case.fields":                 {"Data comparison", "数据比对"},
	"case.field":                  {"Field", "字段"},
	"case.profile":                {"Profile", "个人信息"},
	"case.mrz":                    {"MRZ", "机读区"},
	"case.printed":                {"Printed", "印刷信息"},
	"case.score":                  {"Score", "得分"},
	"case.reasons":                {"Reasons", "原因"},
	"case.measurements":           {"Measurements", "测量值"},
	"case.attempts":               {"Attempt history", "提交历史"},
	"case.attempt":                {"Attempt", "次数"},
	"case.step":                   {"Step", "步骤"},
	"case.result":                 {"Result", "结果"},
	"case.submitted":              {"Submitted", "提交时间"},
	"case.audit":                  {"Audit trail", "审计记录"},
	"case.audit_older":            {"Older entries", "更早的记录"},
	"case.actor":                  {"Actor", "操作人"},
	"case.action":                 {"Action", "操作"},
	"case.when":                   {"When", "时间"},
	"case.decide":                 {"Decision", "决定"},
	"case.approve":                {"Approve", "通过"},
	"case.resubmit":               {"Request resubmission", "要求重新提交"},
	"case.reject":                 {"Reject", "拒绝"},
	"case.steps":                  {"Steps to redo", "需重做的步骤"},
	"case.codes":                  {"Reason codes", "原因代码"},
	"case.comment":                {"Comment to the applicant", "给申请人的说明"},
	"case.note":                   {"Internal note (not shown to the applicant)", "内部备注（申请人不可见）"},
	"case.submit_decision":        {"Record decision", "提交决定"},
	"case.proposed":               {"Proposed decision (four-eyes): a second reviewer must confirm.", "待确认的决定（双人复核）：需第二名审核人员确认。"},
	"case.confirm":                {"Confirm this decision", "确认此决定"},
	"case.decided":                {"Decision recorded", "已记录决定"},
	"case.closed_decision":        {"Decided", "已决定"},
	"case.by":                     {"by", "操作人"},
	"case.no_images":              {"No images.", "无图片。"},
	"case.applicant_status":       {"Applicant status", "申请人状态"},
	"case.due":                    {"Due", "截止"},
	"case.no_result":              {"Nothing was read from the document.", "未从证件读取到信息。"},
	"case.four_eyes_note":         {"Overriding an automated FINAL decision needs a second reviewer.", "推翻自动最终决定需要第二名审核人员确认。"},
	"admin.keys":                  {"API keys", "API 密钥"},
	"admin.key_name":              {"Name", "名称"},
	"admin.key_prefix":            {"Prefix", "前缀"},
	"admin.created":               {"Created", "创建时间"},
	"admin.revoked":               {"Revoked", "已撤销"},
	"admin.revoke":                {"Revoke", "撤销"},
	"admin.create_key":            {"Create key", "创建密钥"},
	"admin.key_once":              {"Copy this key now; it is shown only once:", "请立即复制此密钥，它只显示一次："},
	"admin.webhooks":              {"Webhook endpoints", "Webhook 端点"},
	"admin.url":                   {"URL", "URL"},
	"admin.events":                {"Events", "事件"},
	"admin.all_events":            {"all", "全部"},
	"admin.disabled":              {"Disabled", "已停用"},
	"admin.deliveries":            {"Delivery log", "投递记录"},
	"admin.delivery":              {"Delivery", "投递"},
	"admin.event":                 {"Event", "事件"},
	"admin.status":                {"Status", "状态"},
	"admin.attempts":              {"Attempts", "尝试次数"},
	"admin.last":                  {"Last response", "最近响应"},
	"admin.replay":                {"Replay", "重新发送"},
	"admin.replayed":              {"Delivery queued again.", "已重新加入投递队列。"},
	"admin.staff":                 {"Reviewers and admins", "审核人员与管理员"},
	"admin.name":                  {"Name", "姓名"},
	"admin.email":                 {"Email", "邮箱"},
	"admin.role":                  {"Role", "角色"},
	"admin.password":              {"Initial password (12+ characters)", "初始密码（至少 12 个字符）"},
	"admin.create_staff":          {"Add reviewer", "添加审核人员"},
	"admin.levels":                {"Level configuration", "认证等级配置"},
	"admin.steps":                 {"Steps", "步骤"},
	"admin.limits":                {"Limits", "额度"},
	"admin.documents":             {"Accepted documents", "接受的证件"},
	"admin.min_age":               {"Minimum age", "最低年龄"},
	"admin.policy":                {"Policy", "规则"},
	"admin.overrides":             {"Overrides", "覆盖规则"},
	"admin.settings":              {"Settings", "设置"},
	"admin.saved":                 {"Saved.", "已保存。"},
}

// T returns the message key in lang; an unknown key is returned as is, so a missing string is
// visible in tests instead of blank.
func T(lang Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == ZH {
		return m.zh
	}
	return m.en
}

// table returns the whole message table in one language, for the applicant flow's script.
func table(lang Lang) map[string]string {
	out := make(map[string]string, len(messages))
	for k := range messages {
		out[k] = T(lang, k)
	}
	return out
}

// ParseLang picks a supported language: "zh", "zh-CN", "zh-Hans"... give Chinese, anything
// else English.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return EN, false
	case strings.HasPrefix(s, "zh"):
		return ZH, true
	case strings.HasPrefix(s, "en"):
		return EN, true
	}
	return EN, false
}

// langCookie remembers the console's language choice.
const langCookie = "kycd_lang"

// requestLang is the language of a request: ?lang=, then the language cookie, then the
// browser's Accept-Language.
func requestLang(r *http.Request) Lang {
	if l, ok := ParseLang(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := ParseLang(c.Value); ok {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l, ok := ParseLang(tag); ok {
			return l
		}
	}
	return EN
}
