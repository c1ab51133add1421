"""Vietnamese labels and demo data for every printout: the test page of ``kiosk print-test``, the preview
images in ``docs/printing.md``, the tests and the benchmark.

The running kiosk does not use these labels: it builds them from its gettext catalog, in the customer's
language. The test page is the exception - it is for technicians, and its point is Vietnamese text.
"""

from __future__ import annotations

from datetime import date, datetime

from kiosk.customer import vietqr
from kiosk.printing.document import Document
from kiosk.printing.documents import (
    BillLine,
    BillNotice,
    BillNoticeLabels,
    EndOfDayLabels,
    EndOfDayReport,
    Header,
    Outage,
    OutageSchedule,
    OutageScheduleLabels,
    PaymentReceipt,
    PaymentReceiptLabels,
    PrintTestLabels,
    PrintTestPage,
    RequestSlip,
    RequestSlipLabels,
    TariffLine,
    bill_notice,
    end_of_day_report,
    outage_schedule,
    payment_receipt,
    print_test_page,
    request_slip,
)

__all__ = [
    "PRINT_TEST_LABELS_VI",
    "REPRINT_MARK_VI",
    "print_test_qr_payload",
    "sample_documents",
    "sample_header",
]

REPRINT_MARK_VI = "BẢN IN LẠI"

PAYMENT_RECEIPT_LABELS_VI = PaymentReceiptLabels(
    title="BIÊN NHẬN THANH TOÁN TIỀN ĐIỆN",
    receipt_number="Số biên nhận",
    time="Thời gian",
    kiosk="Ki-ốt",
    customer_code="Mã khách hàng",
    customer_name="Tên khách hàng",
    bills="Các hóa đơn đã thanh toán",
    kwh="kWh",
    total="TỔNG CỘNG",
    method="Hình thức",
    reference="Mã giao dịch",
    lookup="Quét mã để tra cứu giao dịch",
    footer="Quý khách vui lòng giữ biên nhận này. Hóa đơn điện tử được gửi qua Zalo/SMS. Tổng đài: 19006769.",
)
BILL_NOTICE_LABELS_VI = BillNoticeLabels(
    title="THÔNG BÁO TIỀN ĐIỆN",
    unpaid_banner="CHƯA THANH TOÁN",
    customer_code="Mã khách hàng",
    customer_name="Tên khách hàng",
    address="Địa chỉ",
    period="Kỳ hóa đơn",
    meter="Số công tơ",
    index="Chỉ số",
    kwh="kWh",
    tier="Bậc",
    price="Đơn giá",
    amount="Thành tiền",
    subtotal="Cộng tiền điện",
    vat="Thuế GTGT",
    total="TỔNG CỘNG",
    due="Hạn thanh toán",
    scan_to_pay="Quét mã bằng ứng dụng ngân hàng để thanh toán",
    footer="Đây là thông báo, không phải hóa đơn. Tổng đài chăm sóc khách hàng: 19006769.",
)
REQUEST_SLIP_LABELS_VI = RequestSlipLabels(
    title="PHIẾU TIẾP NHẬN YÊU CẦU",
    service="Dịch vụ",
    tracking_code="Mã tra cứu",
    reference="Mã tạm của máy",
    queued="Yêu cầu đã lưu trên máy và sẽ tự động gửi khi có mạng. Quý khách không cần làm gì thêm.",
    submitted_at="Thời gian gửi",
    customer_code="Mã khách hàng",
    expected="Thời hạn giải quyết",
    documents="Giấy tờ cần chuẩn bị",
    scan_to_follow="Quét mã để theo dõi tiến độ",
    footer="Nhân viên điện lực sẽ liên hệ qua số điện thoại đã đăng ký. Tổng đài: 19006769.",
)
OUTAGE_LABELS_VI = OutageScheduleLabels(
    title="LỊCH NGỪNG, GIẢM CUNG CẤP ĐIỆN",
    area="Khu vực",
    printed_at="In lúc",
    time="Thời gian",
    affected="Phạm vi",
    reason="Lý do",
    none="Không có lịch ngừng, giảm cung cấp điện trong 7 ngày tới",
    footer="Thấy dây điện đứt, chập cháy: tránh xa và gọi ngay 19006769.",
)
END_OF_DAY_LABELS_VI = EndOfDayLabels(
    title="BÁO CÁO CUỐI NGÀY",
    day="Ngày",
    printed_at="In lúc",
    staff="Nhân viên",
    payments="Số giao dịch thanh toán",
    method="Hình thức",
    count="SL",
    amount="Số tiền",
    collected="TỔNG THU",
    requests="Yêu cầu dịch vụ",
    outage_reports="Báo mất điện",
    receipts_to_reprint="Biên nhận chờ in lại",
    signature="Nhân viên ký, ghi rõ họ tên",
)
PRINT_TEST_LABELS_VI = PrintTestLabels(
    title="TRANG IN THỬ",
    kiosk="Ki-ốt",
    printed_at="In lúc",
    printer="Máy in",
    paper="Khổ giấy",
    status="Trạng thái",
    qr_caption="Quét thử mã QR này bằng điện thoại",
)


def sample_header(
    kiosk_id: str = "KIOSK-DH-01", location: str = "UBND xã Chân Mộng, huyện Đoan Hùng"
) -> Header:
    return Header("TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC", location, kiosk_id)


def print_test_qr_payload(kiosk_id: str) -> str:
    """What the test page's QR holds: plain text naming the kiosk, so any phone shows it when scanned."""
    return f"EVN-KIOSK PRINT TEST {kiosk_id}"


def sample_documents(kiosk_id: str = "KIOSK-DH-01") -> dict[str, Document]:
    """One of each printout, filled with demo data in Vietnamese, by name."""
    header = sample_header(kiosk_id)
    now = datetime(2025, 6, 14, 9, 41)
    payment_qr = vietqr.encode(
        vietqr.VietQR(
            bank_bin="970436",
            account_number="0011000123456",
            amount=708_000,
            purpose="EVN PA02DH0012345 0625",
            bill_number=None,
            dynamic=True,
        )
    )
    return {
        "payment_receipt": payment_receipt(
            PaymentReceipt(
                header=header,
                receipt_number="BN-20250614-000127",
                paid_at=now,
                customer_code="PA02DH0012345",
                customer_name="Nguyễn Thị Thu Hường",
                # Read on the 25th; amounts by EVN's method (tests/printing recompute them with the central's
                # billing engine). 04/2025: 25/03-25/04, N = T = 31, whole tiers at 2699/QĐ-BCT prices:
                # 50x1,893 + 50x1,956 + 100x2,271 + 45x2,860 = 548,250; VAT 8% 43,860 -> 592,110.
                # 05/2025: 25/04-25/05 spans the 10/05 price change: Nc = 15, Nm = 15 of T' = 30; old kWh =
                # 272x15/30 = 136, new 136; tier limits 50/30x15 = 25, 25, 50, 50, ...: old 47,325 + 48,900 +
                # 113,550 + 36x2,860 = 312,735; new 49,600 + 51,250 + 119,000 + 36x2,998 = 327,778; subtotal
                # 640,513; VAT 8% 51,241 -> 691,754.
                bills=[
                    BillLine(
                        "Hóa đơn tháng 04/2025",
                        "25/03/2025 – 25/04/2025",
                        "HĐ số 0004127, ký hiệu 1K25TPA",
                        245,
                        592_110,
                    ),
                    BillLine(
                        "Hóa đơn tháng 05/2025",
                        "25/04/2025 – 25/05/2025",
                        "HĐ số 0005318, ký hiệu 1K25TPA",
                        272,
                        691_754,
                    ),
                ],
                total=1_283_864,
                method="Chuyển khoản VietQR",
                bank_reference="TTPA02DH00123457KQ4MZ",
                lookup_url="https://kiosk-api.example.vn/receipts/TTPA02DH00123457KQ4MZ",
            ),
            PAYMENT_RECEIPT_LABELS_VI,
        ),
        "bill_notice": bill_notice(
            BillNotice(
                header=header,
                name="Hóa đơn tháng 06/2025",
                invoice="HĐ số 0006402, ký hiệu 1K25TPA",
                customer_code="PA02DH0012345",
                customer_name="Nguyễn Thị Thu Hường",
                address="Khu 5, xã Chân Mộng, huyện Đoan Hùng, tỉnh Phú Thọ",
                # 06/2025: 25/05-25/06, N = T = 31 (May): whole tiers at 1279/QĐ-BCT prices (see the receipt).
                period_from=date(2025, 5, 25),
                period_to=date(2025, 6, 25),
                meter_serial="21045678",
                index_from=12_034,
                index_to=12_306,
                kwh=272,
                tariff=[
                    TariffLine("Bậc 1 (0–50)", 50, 1_984, 99_200),
                    TariffLine("Bậc 2 (51–100)", 50, 2_050, 102_500),
                    TariffLine("Bậc 3 (101–200)", 100, 2_380, 238_000),
                    TariffLine("Bậc 4 (201–300)", 72, 2_998, 215_856),
                ],
                subtotal=655_556,
                vat_percent=8,
                vat=52_444,
                total=708_000,
                due=date(2025, 7, 7),
                payment_qr=payment_qr,
            ),
            BILL_NOTICE_LABELS_VI,
        ),
        "request_slip": request_slip(
            RequestSlip(
                header=header,
                service="Kiểm định công tơ điện",
                code="YCA7K3M9Q2",
                queued=False,
                tracking_url="https://cskh.npc.com.vn/track/YCA7K3M9Q2",
                submitted_at=now,
                customer_code="PA02DH0012345",
                expected="≤ 5 ngày làm việc",
                documents=("Căn cước công dân của chủ hợp đồng", "Hóa đơn tiền điện gần nhất"),
            ),
            REQUEST_SLIP_LABELS_VI,
        ),
        "outage_schedule": outage_schedule(
            OutageSchedule(
                header=header,
                printed_at=now,
                area="Xã Chân Mộng, huyện Đoan Hùng",
                outages=[
                    Outage(
                        datetime(2025, 6, 18, 7, 30),
                        datetime(2025, 6, 18, 16, 0),
                        "Khu 3, Khu 5, Khu 7",
                        "Bảo dưỡng, sửa chữa lưới điện trung thế",
                    ),
                    Outage(
                        datetime(2025, 6, 21, 8, 0),
                        datetime(2025, 6, 21, 11, 30),
                        "Trạm biến áp Chân Mộng 3",
                        "Thay máy biến áp",
                    ),
                ],
            ),
            OUTAGE_LABELS_VI,
        ),
        "end_of_day_report": end_of_day_report(
            EndOfDayReport(
                header=header,
                day=date(2025, 6, 14),
                printed_at=datetime(2025, 6, 14, 17, 5),
                staff="Lường Văn Đức",
                payments=37,
                collected=24_608_150,
                by_method=[("Chuyển khoản VietQR", 37, 24_608_150)],
                requests=5,
                outage_reports=2,
                receipts_to_reprint=1,
            ),
            END_OF_DAY_LABELS_VI,
        ),
        "test_page": print_test_page(
            PrintTestPage(
                header=header,
                printed_at=now,
                printer="preview:///tmp/print-previews",
                width_mm=80,
                dot_width=576,
                status="printer ready",
                qr_payload=print_test_qr_payload(kiosk_id),
            ),
            PRINT_TEST_LABELS_VI,
        ),
    }
