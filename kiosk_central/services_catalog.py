"""The catalogue of the twelve online ("level-4") electricity services the central server offers.

"Level-4" (dịch vụ công trực tuyến mức độ 4) means a customer can file, follow and receive the result of a
request entirely online; since 2019 these are also reachable from the National Public Service Portal. The
catalogue is served as ``GET /v1/services`` and the kiosk renders every form from it, so adding a service or a
field needs a central release, never a kiosk release.

The data are frozen dataclasses whose shape matches the wire models in :mod:`kiosk_central.schemas`
(``dataclasses.asdict`` of a :class:`Service` validates as ``schemas.Service``). :func:`validate_fields` is
the server's check of a submitted form; it is pure (no clock, no database), so rules that need either
("the end date is not in the past", "the customer code exists") belong to the request handler.

Identity fields have the same names in every service (``full_name``, ``id_number``, ``phone`` and, where the
applicant's own address is asked, ``address``) so the kiosk can prefill them from a scanned citizen ID card.
Site addresses are separate fields (``installation_address``, ``new_meter_location``) because the place that
gets electricity is often not where the applicant is registered as living.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, assert_never, get_args

FieldType = Literal[
    "text", "number", "choice", "date", "phone", "id_number", "address", "household_count", "yes_no"
]
FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)

FieldErrorCode = Literal[
    "required",
    "unknown_field",
    "invalid_type",
    "too_long",
    "not_a_number",
    "out_of_range",
    "invalid_choice",
    "invalid_date",
    "invalid_phone",
    "invalid_id_number",
    "not_a_boolean",
]
"""What :func:`validate_fields` can say about one field; the kiosk translates each code."""
FIELD_ERROR_CODES: tuple[FieldErrorCode, ...] = get_args(FieldErrorCode)

IDENTITY_FIELD_NAMES = ("full_name", "id_number", "phone", "address")
"""Field names the kiosk may prefill: name, ID number and address from a scanned citizen ID card."""


@dataclass(frozen=True, slots=True)
class Label:
    """A customer-visible text in Vietnamese (with diacritics, NFC) and English."""

    vi: str
    en: str


@dataclass(frozen=True, slots=True)
class Option:
    """One answer of a ``choice`` field; ``value`` is what the kiosk sends back."""

    value: str
    label: Label


@dataclass(frozen=True, slots=True)
class FormField:
    """One question of a service's form, rendered by the kiosk from its ``type``."""

    name: str
    type: FieldType
    label: Label
    required: bool = True
    help: Label | None = None
    options: tuple[Option, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """One online service: what it is for, how long it may take, what to bring and what to fill in."""

    code: str
    number: int
    title: Label
    description: Label
    max_working_days: int
    documents: tuple[Label, ...]
    fields: tuple[FormField, ...]
    requires_customer_code: bool


# ------------------------------------------------------------------ shared fields
FULL_NAME = FormField(
    name="full_name",
    type="text",
    label=Label("Họ và tên", "Full name"),
    help=Label("Ghi như trên thẻ căn cước công dân", "As written on your citizen ID card"),
    max_length=100,
)
ID_NUMBER = FormField(
    name="id_number",
    type="id_number",
    label=Label("Số căn cước công dân", "Citizen ID number"),
    help=Label("12 chữ số trên thẻ căn cước công dân (CCCD)", "The 12 digits on your citizen ID card (CCCD)"),
)
PHONE = FormField(
    name="phone",
    type="phone",
    label=Label("Số điện thoại di động", "Mobile phone number"),
    help=Label(
        "Mã OTP xác nhận yêu cầu sẽ được gửi tới số này",
        "The one-time code (OTP) that confirms your request is sent to this number",
    ),
)
ADDRESS = FormField(
    name="address",
    type="address",
    label=Label("Nơi cư trú", "Place of residence"),
    help=Label("Như trên thẻ căn cước công dân", "As on your citizen ID card"),
    max_length=255,
)
INSTALLATION_ADDRESS = FormField(
    name="installation_address",
    type="address",
    label=Label("Địa chỉ nơi sử dụng điện", "Address where the electricity will be used"),
    help=Label(
        "Số nhà, đường hoặc thôn, xóm, xã hoặc phường, tỉnh hoặc thành phố",
        "House number, street or village, commune or ward, province or city",
    ),
    max_length=255,
)
PURPOSE_OPTIONS = (
    Option("household", Label("Sinh hoạt gia đình", "Household living")),
    Option("business", Label("Kinh doanh, dịch vụ", "Business or services")),
    Option("production", Label("Sản xuất", "Production")),
    Option("other", Label("Mục đích khác", "Other")),
)
PURPOSE = FormField(
    name="purpose",
    type="choice",
    label=Label("Mục đích sử dụng điện", "What the electricity is for"),
    options=PURPOSE_OPTIONS,
)
PHASE_OPTIONS = (
    Option("one_phase", Label("Công tơ 1 pha", "Single-phase meter")),
    Option("three_phase", Label("Công tơ 3 pha", "Three-phase meter")),
)
PHASE = FormField(
    name="phase",
    type="choice",
    label=Label("Loại công tơ", "Meter type"),
    help=Label(
        "Chọn 3 pha nếu dùng máy bơm, máy hàn hoặc động cơ lớn",
        "Choose three-phase for pumps, welders or large motors",
    ),
    options=PHASE_OPTIONS,
)
HOUSEHOLD_COUNT = FormField(
    name="household_count",
    type="household_count",
    label=Label("Số hộ dùng chung công tơ", "Households sharing the meter"),
    help=Label(
        "Mỗi hộ được tính định mức bậc thang riêng; người thuê trọ: 4 người được tính là 1 hộ",
        "Each household gets its own tariff-tier allowance; tenants: every 4 people count as one household",
    ),
    min_value=1,
    max_value=20,
)
HAS_PREMISES_PROOF = FormField(
    name="has_premises_proof",
    type="yes_no",
    label=Label(
        "Bạn có giấy tờ chứng minh quyền sử dụng nơi sử dụng điện không?",
        "Do you have proof of your right to use the premises?",
    ),
    help=Label(
        "Ví dụ: giấy chứng nhận quyền sử dụng đất, hợp đồng mua bán nhà hoặc hợp đồng thuê nhà",
        "For example a land-use right certificate, a house purchase contract or a lease",
    ),
)
REASON = FormField(
    name="reason",
    type="text",
    label=Label("Lý do (không bắt buộc)", "Reason (optional)"),
    required=False,
    max_length=500,
)
DETAILS = FormField(
    name="details",
    type="text",
    label=Label("Mô tả thêm (không bắt buộc)", "More details (optional)"),
    required=False,
    max_length=500,
)

# The contract holder (or someone they authorised) asks; the account already holds the site address.
HOLDER_IDENTITY = (FULL_NAME, ID_NUMBER, PHONE)

# ------------------------------------------------------------------ shared documents
DOC_ID_CARD = Label(
    "Thẻ căn cước công dân (CCCD) hoặc hộ chiếu còn hiệu lực của người đề nghị",
    "Valid citizen ID card (CCCD) or passport of the applicant",
)
DOC_PREMISES = Label(
    "Giấy tờ chứng minh quyền sử dụng nơi sử dụng điện: giấy chứng nhận quyền sử dụng đất, "
    "hợp đồng mua bán nhà hoặc hợp đồng thuê nhà",
    "Proof of the right to use the premises: land-use right certificate, house purchase contract or lease",
)
DOC_AUTHORISATION = Label(
    "Giấy ủy quyền, nếu người đề nghị không phải chủ hợp đồng mua bán điện",
    "Letter of authorisation, if you are not the holder of the electricity contract",
)
DOC_RESIDENCE = Label(
    "Xác nhận thông tin về cư trú (mẫu CT07 hoặc trên ứng dụng VNeID) của các hộ dùng chung công tơ",
    "Residence confirmation (form CT07 or the VNeID app) for each household sharing the meter",
)

# ------------------------------------------------------------------ the services
NEW_CONNECTION_LV = Service(
    code="new_connection_lv",
    number=1,
    title=Label("Cấp điện mới từ lưới điện hạ áp", "New connection from the low-voltage grid"),
    description=Label(
        "Đăng ký lắp công tơ và mua điện cho nhà ở, cửa hàng hoặc cơ sở sản xuất nhỏ "
        "từ lưới điện hạ áp (0,4 kV).",
        "Apply for a meter and electricity supply from the low-voltage (0.4 kV) grid "
        "for a home, a shop or a small workshop.",
    ),
    max_working_days=5,
    documents=(DOC_ID_CARD, DOC_PREMISES, DOC_RESIDENCE),
    fields=(
        FULL_NAME,
        ID_NUMBER,
        PHONE,
        ADDRESS,
        INSTALLATION_ADDRESS,
        PURPOSE,
        HOUSEHOLD_COUNT,
        FormField(
            name="capacity_kw",
            type="number",
            label=Label("Công suất đăng ký (kW)", "Requested capacity (kW)"),
            help=Label(
                "Tổng công suất các thiết bị dùng cùng lúc; nhà ở thường cần từ 3 đến 10 kW",
                "The total power of the appliances used at the same time; a home usually needs 3 to 10 kW",
            ),
            min_value=1,
            max_value=100,
        ),
        PHASE,
        HAS_PREMISES_PROOF,
        FormField(
            name="preferred_survey_date",
            type="date",
            label=Label(
                "Ngày mong muốn khảo sát (không bắt buộc)", "Preferred date for the site survey (optional)"
            ),
            required=False,
        ),
    ),
    requires_customer_code=False,
)

NEW_CONNECTION_MV = Service(
    code="new_connection_mv",
    number=2,
    title=Label("Cấp điện mới từ lưới điện trung áp", "New connection from the medium-voltage grid"),
    description=Label(
        "Đăng ký cấp điện cho dự án, nhà máy hoặc tòa nhà cần trạm biến áp riêng, "
        "đấu nối vào lưới điện trung áp (22 kV hoặc 35 kV).",
        "Apply for supply to a project, factory or building that needs its own transformer, "
        "connected to the medium-voltage (22 kV or 35 kV) grid.",
    ),
    max_working_days=30,
    documents=(
        DOC_ID_CARD,
        Label(
            "Giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập (đối với tổ chức)",
            "Business registration certificate or founding decision (for organisations)",
        ),
        DOC_PREMISES,
        Label(
            "Danh mục thiết bị điện và công suất sử dụng dự kiến",
            "List of electrical equipment and the planned load",
        ),
        Label(
            "Hồ sơ thiết kế trạm biến áp và đường dây đấu nối (nếu khách hàng tự đầu tư)",
            "Design documents for the substation and the connecting line (if you build them yourself)",
        ),
    ),
    fields=(
        replace(FULL_NAME, label=Label("Họ và tên người đề nghị", "Full name of the applicant")),
        ID_NUMBER,
        PHONE,
        ADDRESS,
        FormField(
            name="organization_name",
            type="text",
            label=Label("Tên tổ chức, doanh nghiệp (nếu có)", "Organisation or company name (if any)"),
            required=False,
            max_length=200,
        ),
        FormField(
            name="tax_code",
            type="text",
            label=Label("Mã số thuế (nếu có)", "Tax code (if any)"),
            help=Label(
                "10 hoặc 13 chữ số, ví dụ 0101234567-001", "10 or 13 digits, for example 0101234567-001"
            ),
            required=False,
            max_length=14,
        ),
        INSTALLATION_ADDRESS,
        PURPOSE,
        FormField(
            name="transformer_kva",
            type="number",
            label=Label("Công suất trạm biến áp dự kiến (kVA)", "Planned transformer capacity (kVA)"),
            min_value=50,
            max_value=25_000,
        ),
        FormField(
            name="voltage",
            type="choice",
            label=Label("Cấp điện áp đấu nối", "Connection voltage"),
            options=(
                Option("22kv", Label("22 kV", "22 kV")),
                Option("35kv", Label("35 kV", "35 kV")),
                Option("unsure", Label("Chưa rõ, nhờ điện lực tư vấn", "Not sure, please advise")),
            ),
        ),
        FormField(
            name="planned_energization_date",
            type="date",
            label=Label("Ngày dự kiến đóng điện", "Planned date to switch on"),
        ),
        HAS_PREMISES_PROOF,
    ),
    requires_customer_code=False,
)

CAPACITY_CHANGE = Service(
    code="capacity_change",
    number=3,
    title=Label(
        "Thay đổi công suất sử dụng điện, đổi công tơ 1 pha hoặc 3 pha",
        "Change of capacity or of a single-phase / three-phase meter",
    ),
    description=Label(
        "Tăng hoặc giảm công suất đăng ký, hoặc chuyển từ công tơ 1 pha sang 3 pha và ngược lại.",
        "Raise or lower your registered capacity, or switch between a single-phase and a three-phase meter.",
    ),
    max_working_days=5,
    documents=(DOC_ID_CARD, DOC_AUTHORISATION),
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="new_capacity_kw",
            type="number",
            label=Label("Công suất mới (kW)", "New capacity (kW)"),
            min_value=1,
            max_value=100,
        ),
        replace(PHASE, name="new_phase", label=Label("Loại công tơ mong muốn", "Meter type you want")),
        REASON,
    ),
    requires_customer_code=True,
)

METER_RELOCATION = Service(
    code="meter_relocation",
    number=4,
    title=Label("Di dời công tơ", "Meter relocation"),
    description=Label(
        "Chuyển công tơ đến vị trí khác, trong hoặc ngoài khuôn viên nhà. "
        "Di dời theo yêu cầu của khách hàng có thể phát sinh chi phí.",
        "Move your meter to another place, on or off your property. "
        "A relocation you ask for may carry a charge.",
    ),
    max_working_days=5,
    documents=(
        DOC_ID_CARD,
        DOC_AUTHORISATION,
        Label(
            "Giấy tờ chứng minh quyền sử dụng nơi đặt công tơ mới, nếu nằm ngoài khuôn viên hiện tại",
            "Proof of the right to use the new meter location, if it is off your current property",
        ),
    ),
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="new_meter_location",
            type="text",
            label=Label("Vị trí mới mong muốn của công tơ", "Where the meter should go"),
            help=Label(
                "Ví dụ: tường rào bên trái cổng, cột điện trước nhà",
                "For example: the fence left of the gate, the pole in front of the house",
            ),
            max_length=255,
        ),
        FormField(
            name="within_premises",
            type="yes_no",
            label=Label(
                "Vị trí mới có nằm trong khuôn viên nhà bạn không?", "Is the new place on your property?"
            ),
        ),
        REASON,
    ),
    requires_customer_code=True,
)

USAGE_PURPOSE_CHANGE = Service(
    code="usage_purpose_change",
    number=5,
    title=Label("Thay đổi mục đích sử dụng điện", "Change of usage purpose"),
    description=Label(
        "Đổi mục đích sử dụng điện (ví dụ từ sinh hoạt sang kinh doanh) để được áp đúng giá điện.",
        "Change what the electricity is used for (for example from household living to business) "
        "so the right tariff applies.",
    ),
    max_working_days=5,
    documents=(
        DOC_ID_CARD,
        DOC_AUTHORISATION,
        Label(
            "Giấy chứng nhận đăng ký doanh nghiệp hoặc hộ kinh doanh, "
            "nếu chuyển sang kinh doanh hoặc sản xuất",
            "Business or household-business registration certificate, if changing to business or production",
        ),
    ),
    fields=(
        *HOLDER_IDENTITY,
        replace(PURPOSE, name="new_purpose", label=Label("Mục đích sử dụng mới", "New purpose")),
        FormField(
            name="effective_date",
            type="date",
            label=Label(
                "Ngày bắt đầu sử dụng theo mục đích mới (không bắt buộc)",
                "Date the new use starts (optional)",
            ),
            required=False,
        ),
        REASON,
    ),
    requires_customer_code=True,
)

HOUSEHOLD_COUNT_CHANGE = Service(
    code="household_count_change",
    number=6,
    title=Label("Thay đổi số hộ dùng chung công tơ", "Change of household count"),
    description=Label(
        "Cập nhật số hộ dùng chung một công tơ để định mức các bậc giá điện sinh hoạt được tính đúng.",
        "Update how many households share one meter so the residential tariff tiers are counted correctly.",
    ),
    max_working_days=3,
    documents=(
        DOC_ID_CARD,
        DOC_RESIDENCE,
        Label(
            "Hợp đồng thuê nhà và xác nhận đăng ký tạm trú của người thuê, nếu có người thuê trọ",
            "Tenancy contracts and the tenants' temporary-residence registration, if there are tenants",
        ),
    ),
    fields=(
        *HOLDER_IDENTITY,
        replace(
            HOUSEHOLD_COUNT,
            label=Label(
                "Số hộ dùng chung công tơ sau khi thay đổi", "Households sharing the meter from now on"
            ),
        ),
        FormField(
            name="has_tenants",
            type="yes_no",
            label=Label("Có người thuê trọ dùng chung công tơ không?", "Do tenants share this meter?"),
        ),
        FormField(
            name="tenant_count",
            type="number",
            label=Label("Số người thuê trọ (nếu có)", "Number of tenants (if any)"),
            help=Label("Điện lực quy đổi 4 người thuê thành 1 hộ", "Every 4 tenants count as one household"),
            required=False,
            min_value=0,
            max_value=200,
        ),
    ),
    requires_customer_code=True,
)

CONTRACT_HOLDER_CHANGE = Service(
    code="contract_holder_change",
    number=7,
    title=Label("Thay đổi chủ thể hợp đồng mua bán điện", "Change of contract holder"),
    description=Label(
        "Chuyển hợp đồng mua bán điện sang tên người mới "
        "khi nhà được mua bán, thừa kế, tặng cho hoặc cho thuê.",
        "Transfer the electricity contract to a new holder when the property is sold, inherited, "
        "given away or let.",
    ),
    max_working_days=3,
    documents=(
        Label(
            "Thẻ căn cước công dân (CCCD) hoặc hộ chiếu còn hiệu lực của chủ hợp đồng mới",
            "Valid citizen ID card (CCCD) or passport of the new holder",
        ),
        DOC_PREMISES,
        Label(
            "Văn bản đồng ý của chủ hợp đồng cũ, hoặc giấy chứng tử và văn bản thừa kế",
            "The previous holder's written consent, or a death certificate and the inheritance document",
        ),
    ),
    fields=(
        replace(FULL_NAME, label=Label("Họ và tên chủ hợp đồng mới", "Full name of the new holder")),
        replace(
            ID_NUMBER,
            label=Label("Số căn cước công dân của chủ hợp đồng mới", "Citizen ID number of the new holder"),
        ),
        PHONE,
        ADDRESS,
        FormField(
            name="transfer_reason",
            type="choice",
            label=Label("Lý do chuyển tên", "Why the holder changes"),
            options=(
                Option("purchase", Label("Mua bán, chuyển nhượng nhà đất", "Sale of the property")),
                Option("inheritance", Label("Thừa kế", "Inheritance")),
                Option("gift", Label("Tặng cho", "Gift")),
                Option("tenancy", Label("Thuê nhà", "Tenancy")),
                Option("other", Label("Lý do khác", "Other reason")),
            ),
        ),
        HAS_PREMISES_PROOF,
        FormField(
            name="previous_holder_consents",
            type="yes_no",
            label=Label(
                "Chủ hợp đồng cũ đã đồng ý chuyển tên chưa? (không bắt buộc)",
                "Has the previous holder agreed to the transfer? (optional)",
            ),
            # Optional: after a death there is nobody to agree; the inheritance papers stand in.
            required=False,
        ),
    ),
    requires_customer_code=True,
)

DETAILS_UPDATE = Service(
    code="details_update",
    number=8,
    title=Label("Cập nhật thông tin khách hàng", "Update registered details"),
    description=Label(
        "Cập nhật số điện thoại, email, tên in trên hóa đơn, mã số thuế hoặc địa chỉ liên hệ; "
        "chỉ điền những mục cần thay đổi.",
        "Update your phone number, email, the name printed on bills, tax code or contact address; "
        "fill in only what changes.",
    ),
    max_working_days=3,
    documents=(
        DOC_ID_CARD,
        DOC_AUTHORISATION,
        Label(
            "Giấy tờ chứng minh thông tin mới (ví dụ giấy chứng nhận đăng ký thuế khi đổi mã số thuế)",
            "Proof of the new details (for example the tax registration certificate for a new tax code)",
        ),
    ),
    # Every change is optional; "at least one" is a cross-field rule the form schema cannot express, so the
    # request handler (or the staff member who processes the request) deals with an empty update.
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="new_phone",
            type="phone",
            label=Label("Số điện thoại mới", "New phone number"),
            required=False,
        ),
        FormField(
            name="new_email",
            type="text",
            label=Label("Email mới", "New email"),
            required=False,
            max_length=100,
        ),
        FormField(
            name="new_invoice_name",
            type="text",
            label=Label("Tên in trên hóa đơn", "Name printed on bills"),
            required=False,
            max_length=200,
        ),
        FormField(
            name="new_tax_code",
            type="text",
            label=Label("Mã số thuế mới", "New tax code"),
            required=False,
            max_length=14,
        ),
        FormField(
            name="new_contact_address",
            type="address",
            label=Label("Địa chỉ liên hệ mới", "New contact address"),
            required=False,
            max_length=255,
        ),
    ),
    requires_customer_code=True,
)

PAYMENT_METHOD_CHANGE = Service(
    code="payment_method_change",
    number=9,
    title=Label("Thay đổi hình thức thanh toán tiền điện", "Change of payment method"),
    description=Label(
        "Đăng ký trả tiền điện tự động qua ngân hàng hoặc ví điện tử, hoặc đổi cách thanh toán hiện tại.",
        "Sign up to pay electricity bills automatically from a bank account or an e-wallet, "
        "or change how you pay now.",
    ),
    max_working_days=3,
    documents=(
        DOC_ID_CARD,
        DOC_AUTHORISATION,
        Label(
            "Giấy đề nghị trích nợ tự động có xác nhận của ngân hàng, nếu chọn trích nợ tự động",
            "Direct-debit mandate confirmed by your bank, if you choose automatic debit",
        ),
    ),
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="payment_method",
            type="choice",
            label=Label("Hình thức thanh toán mới", "New payment method"),
            options=(
                Option(
                    "bank_auto_debit",
                    Label("Trích nợ tự động từ tài khoản ngân hàng", "Automatic debit from a bank account"),
                ),
                Option(
                    "e_wallet_auto_debit",
                    Label(
                        "Tự động trừ tiền từ ví điện tử (MoMo, ZaloPay, VNPay, ShopeePay)",
                        "Automatic payment from an e-wallet (MoMo, ZaloPay, VNPay, ShopeePay)",
                    ),
                ),
                Option(
                    "bank_transfer",
                    Label("Chuyển khoản hoặc quét mã VietQR mỗi tháng", "Bank transfer or VietQR each month"),
                ),
                Option("cash", Label("Tiền mặt tại điểm thu", "Cash at a collection point")),
            ),
        ),
        FormField(
            name="bank_name",
            type="text",
            label=Label("Tên ngân hàng (khi chọn trích nợ tự động)", "Bank name (for automatic debit)"),
            required=False,
            max_length=100,
        ),
        FormField(
            name="bank_account_number",
            type="text",
            label=Label(
                "Số tài khoản ngân hàng (khi chọn trích nợ tự động)",
                "Bank account number (for automatic debit)",
            ),
            required=False,
            max_length=30,
        ),
    ),
    requires_customer_code=True,
)

METER_INSPECTION = Service(
    code="meter_inspection",
    number=10,
    title=Label("Kiểm tra, kiểm định công tơ", "Meter inspection and testing"),
    description=Label(
        "Đề nghị kiểm tra công tơ khi nghi ngờ công tơ chạy sai hoặc bị hỏng. Nếu kết quả kiểm định cho thấy "
        "công tơ chạy đúng, khách hàng có thể phải trả chi phí kiểm định.",
        "Ask for your meter to be checked if you think it is wrong or broken. If the test finds the meter "
        "accurate, you may have to pay for the test.",
    ),
    max_working_days=5,
    documents=(
        DOC_ID_CARD,
        Label("Hóa đơn tiền điện gần nhất, nếu có", "Your latest electricity bill, if you have it"),
    ),
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="issue",
            type="choice",
            label=Label("Công tơ có vấn đề gì?", "What is wrong with the meter?"),
            options=(
                Option(
                    "reading_too_high", Label("Chỉ số tăng bất thường", "The reading rises unusually fast")
                ),
                Option(
                    "display_fault",
                    Label("Công tơ không hiển thị hoặc bị hỏng", "Blank display or damaged meter"),
                ),
                Option(
                    "seal_broken", Label("Niêm phong (kẹp chì) bị mất hoặc hỏng", "Seal missing or broken")
                ),
                Option("other", Label("Vấn đề khác", "Another problem")),
            ),
        ),
        FormField(
            name="noticed_on",
            type="date",
            label=Label("Ngày phát hiện (không bắt buộc)", "When you noticed it (optional)"),
            required=False,
        ),
        DETAILS,
    ),
    requires_customer_code=True,
)

CONTRACT_RENEWAL = Service(
    code="contract_renewal",
    number=11,
    title=Label("Gia hạn hợp đồng mua bán điện", "Contract renewal"),
    description=Label(
        "Gia hạn hợp đồng mua bán điện có thời hạn sắp hết hạn, thường là hợp đồng của người thuê nhà.",
        "Extend a fixed-term electricity contract that is about to expire, usually a tenant's contract.",
    ),
    max_working_days=3,
    documents=(
        DOC_ID_CARD,
        Label(
            "Hợp đồng thuê nhà hoặc giấy tờ chứng minh quyền sử dụng nơi sử dụng điện còn hiệu lực",
            "A lease or other proof of the right to use the premises that is still valid",
        ),
    ),
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="renewal_months",
            type="number",
            label=Label("Thời hạn gia hạn (tháng)", "Extension (months)"),
            min_value=1,
            max_value=60,
        ),
        HAS_PREMISES_PROOF,
    ),
    requires_customer_code=True,
)

CONTRACT_TERMINATION = Service(
    code="contract_termination",
    number=12,
    title=Label("Chấm dứt hợp đồng mua bán điện", "Contract termination"),
    description=Label(
        "Chấm dứt hợp đồng và tháo công tơ khi không còn sử dụng điện tại địa chỉ này. "
        "Tiền điện đến ngày chấm dứt được tính trên hóa đơn cuối cùng.",
        "End the contract and have the meter removed when you no longer use electricity at this address. "
        "Electricity up to the end date is charged on a final bill.",
    ),
    max_working_days=3,
    documents=(DOC_ID_CARD, DOC_AUTHORISATION),
    fields=(
        *HOLDER_IDENTITY,
        FormField(
            name="termination_date",
            type="date",
            label=Label("Ngày đề nghị chấm dứt", "Requested end date"),
        ),
        FormField(
            name="termination_reason",
            type="choice",
            label=Label("Lý do chấm dứt", "Why the contract ends"),
            options=(
                Option("moving_out", Label("Chuyển đi nơi khác", "Moving away")),
                Option("demolition", Label("Phá dỡ hoặc xây lại nhà", "Demolishing or rebuilding")),
                Option("merging_meters", Label("Gộp với công tơ khác", "Merging with another meter")),
                Option("other", Label("Lý do khác", "Other reason")),
            ),
        ),
        DETAILS,
    ),
    requires_customer_code=True,
)

SERVICES: tuple[Service, ...] = (
    NEW_CONNECTION_LV,
    NEW_CONNECTION_MV,
    CAPACITY_CHANGE,
    METER_RELOCATION,
    USAGE_PURPOSE_CHANGE,
    HOUSEHOLD_COUNT_CHANGE,
    CONTRACT_HOLDER_CHANGE,
    DETAILS_UPDATE,
    PAYMENT_METHOD_CHANGE,
    METER_INSPECTION,
    CONTRACT_RENEWAL,
    CONTRACT_TERMINATION,
)
"""In the order of the reconstructed public list (DOMAIN.md); ``number`` is the position in it."""

_BY_CODE: dict[str, Service] = {service.code: service for service in SERVICES}


def service_by_code(code: str) -> Service:
    """The service with this code; :class:`KeyError` for an unknown one."""
    return _BY_CODE[code]


# ------------------------------------------------------------------ validation
_PHONE = re.compile(r"0[35789][0-9]{8}")  # mobile: 10 digits, prefixes 03, 05, 07, 08, 09
_ID_NUMBER = re.compile(r"[0-9]{12}")  # citizen ID (CCCD); [0-9], not \d, which admits other scripts' digits
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # date.fromisoformat alone also takes 20250102 etc.
_INTEGER = re.compile(r"-?([0-9]+)")
# Longer digit strings are out of any range we have, and int() refuses more than ~4300 digits.
_MAX_INTEGER_DIGITS = 18


def validate_fields(service: Service, values: Mapping[str, object]) -> dict[str, str]:
    """Check a submitted form: field name → a :data:`FieldErrorCode`; empty when the form is valid.

    Values arrive as JSON (str, int, bool; anything else is reported, never raised on). An absent value,
    ``None`` and a blank string all mean "not given". Numbers may come as JSON integers (or integral floats)
    or as decimal strings. Strings are checked as given: the kiosk sends clean values, and the server stores
    what it checked.
    """
    errors: dict[str, str] = {name: "unknown_field" for name in values if name not in _field_names(service)}
    for field in service.fields:
        value = values.get(field.name)
        if _is_blank(value):
            if field.required:
                errors[field.name] = "required"
            continue
        problem = _check_value(field, value)
        if problem is not None:
            errors[field.name] = problem
    return errors


def _field_names(service: Service) -> frozenset[str]:
    return frozenset(field.name for field in service.fields)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_value(field: FormField, value: object) -> FieldErrorCode | None:
    match field.type:
        case "text" | "address":
            if not isinstance(value, str):
                return "invalid_type"
            if field.max_length is not None and len(value) > field.max_length:
                return "too_long"
            return None
        case "number" | "household_count":
            return _check_integer(field, value)
        case "choice":
            if not isinstance(value, str) or value not in {option.value for option in field.options}:
                return "invalid_choice"
            return None
        case "date":
            return None if isinstance(value, str) and _is_iso_date(value) else "invalid_date"
        case "phone":
            return None if isinstance(value, str) and _PHONE.fullmatch(value) else "invalid_phone"
        case "id_number":
            # A JSON integer would have lost the leading zeros of the province code, so only strings count.
            return None if isinstance(value, str) and _ID_NUMBER.fullmatch(value) else "invalid_id_number"
        case "yes_no":
            return None if isinstance(value, bool) else "not_a_boolean"
        case _:
            assert_never(field.type)


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_integer(field: FormField, value: object) -> FieldErrorCode | None:
    number: int
    if isinstance(value, bool):  # bool is an int subclass; True is not a count of anything
        return "not_a_number"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():  # also false for NaN and infinities
            return "not_a_number"
        number = int(value)
    elif isinstance(value, str):
        match = _INTEGER.fullmatch(value)
        if match is None:
            return "not_a_number"
        if len(match[1].lstrip("0")) > _MAX_INTEGER_DIGITS:
            return "out_of_range"
        number = int(value)
    else:
        return "not_a_number"
    if field.min_value is not None and number < field.min_value:
        return "out_of_range"
    if field.max_value is not None and number > field.max_value:
        return "out_of_range"
    return None
