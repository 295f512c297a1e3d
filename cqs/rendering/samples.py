"""Sample documents for tests, the demo and later modules.

`sample_it_report()` follows the Ban Dân tộc quarterly IT report in
``shared/samples/bao-cao-ung-dung-cntt-quy-iii-2023-ban-dan-toc.txt``, moved to the demo
province Sơn Hà, with an indicator table and a task table added. `sample_official_letter()`
is a short Công văn that exercises the components the report does not: "V/v", several
recipients, an urgency stamp, the footer and an unnumbered, undated draft.
"""

from __future__ import annotations

from datetime import date

from cqs.rendering.model import (
    Bullet,
    OfficialDocument,
    Paragraph,
    Section,
    SignatureBlock,
    Table,
)

__all__ = ["sample_it_report", "sample_official_letter"]


def sample_it_report(
    *, number: str | None = "05", issued_on: date | None = date(2023, 9, 25)
) -> OfficialDocument:
    """Ban Dân tộc tỉnh Sơn Hà: Báo cáo kết quả ứng dụng CNTT Quý III năm 2023 (about three pages)."""
    return OfficialDocument(
        parent_agency_name="UBND tỉnh Sơn Hà",
        issuing_agency_name="Ban Dân tộc",
        number=number,
        notation="BC-BDT",
        place="Sơn Hà",
        issued_on=issued_on,
        draft_year=2023,
        type_name="Báo cáo",
        subject="Kết quả ứng dụng công nghệ thông tin Quý III năm 2023",
        body=[
            Paragraph(
                "Thực hiện Kế hoạch số 61/KH-UBND ngày 10/4/2019 của UBND tỉnh về thực hiện Nghị quyết "
                "số 17/NQ-CP ngày 07/3/2019 của Chính phủ về một số nhiệm vụ, giải pháp trọng tâm phát "
                "triển Chính phủ điện tử giai đoạn 2019 - 2020, định hướng đến 2025 của tỉnh Sơn Hà; "
                "Kế hoạch số 746/KH-BDT ngày 03/10/2022 về việc phát triển Chính quyền điện tử hướng tới "
                "Chính quyền số và kinh tế số, xã hội số năm 2023 của Ban Dân tộc tỉnh Sơn Hà, Ban Dân "
                "tộc tỉnh báo cáo kết quả thực hiện ứng dụng công nghệ thông tin Quý III năm 2023 như sau:"
            ),
            Section("I", "Kết quả thực hiện mục tiêu, chỉ tiêu"),
            Bullet(
                "Hệ thống xử lý văn bản qua phần mềm quản lý văn bản được thông suốt từ lãnh đạo đến "
                "100% các phòng và chuyên viên. 100% văn bản đến, đi của Ban Dân tộc đều được xử lý "
                "qua hệ thống phần mềm quản lý văn bản; trong đó:"
            ),
            Bullet(
                "Tổng số văn bản đi được trao đổi giữa Ban Dân tộc tỉnh với các cơ quan, đơn vị từ "
                "ngày 15/6/2023 đến ngày 14/9/2023 là 375 văn bản.",
                marker="+",
            ),
            Bullet(
                "Tổng số văn bản đi (trừ văn bản mật) được gửi dưới dạng văn bản điện tử là 375 văn "
                "bản, đạt 100%.",
                marker="+",
            ),
            Bullet("Tổng số văn bản đi được ký số (trừ văn bản mật): 375 văn bản, đạt 100%.", marker="+"),
            Table(
                title="Bảng 1. Một số chỉ tiêu ứng dụng công nghệ thông tin Quý III năm 2023",
                header=["STT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Tỷ lệ"],
                rows=[
                    ["1", "Văn bản đi gửi dưới dạng điện tử (trừ văn bản mật)", "Văn bản", "375/375", "100%"],
                    ["2", "Văn bản đi được ký số", "Văn bản", "375/375", "100%"],
                    ["3", "Thủ tục hành chính cung cấp trực tuyến toàn trình", "Thủ tục", "37/37", "100%"],
                    ["4", "Máy tính được cài phần mềm phòng, chống mã độc", "Máy", "16/16", "100%"],
                ],
                widths=[1.2, 8, 2.5, 2.5, 2],
                align=["center", "left", "center", "right", "right"],
            ),
            Section("II", "Kết quả thực hiện các nhiệm vụ, giải pháp theo Kế hoạch"),
            Paragraph(
                "Thực hiện Kế hoạch số 746/KH-BDT ngày 03/10/2022, 100% các phòng thuộc Ban, 100% công "
                "chức của Ban thực hiện nghiêm túc việc tiếp nhận, xử lý, phát hành và quản lý văn bản "
                "điện tử tại Ban; 100% văn bản đi tại Ban được phát hành có ký số Lãnh đạo và văn thư "
                "đúng quy định."
            ),
            Bullet(
                "Tổ chức triển khai thực hiện Quy chế quản lý, vận hành Hệ thống quản lý văn bản và "
                "điều hành dùng chung trong hoạt động của các cơ quan nhà nước trên địa bàn tỉnh Sơn "
                "Hà. Tất cả văn bản đến, đi đều được thực hiện và xử lý qua hệ thống phần mềm xử lý "
                "văn bản; triển khai Kế hoạch nâng cao chất lượng và hiệu quả cung cấp dịch vụ công "
                "trực tuyến của tỉnh Sơn Hà năm 2023."
            ),
            Bullet(
                "Kết quả hoàn thiện thể chế phục vụ xây dựng, phát triển Chính quyền điện tử, Chính "
                "quyền số: Đã ban hành Kế hoạch số 860/KH-BDT ngày 30/8/2023 triển khai thực hiện các "
                "nhiệm vụ chuyển đổi số năm 2023 tại Ban Dân tộc tỉnh Sơn Hà; hiện nay đang xây dựng "
                "kế hoạch lựa chọn nhà thầu."
            ),
            Bullet("Đã thực hiện tự chấm điểm xác định chỉ số chuyển đổi số năm 2022 tại Ban Dân tộc tỉnh."),
            Bullet(
                "Trang thông tin điện tử của Ban đã phát huy tốt vai trò tuyên truyền chủ trương, đường "
                "lối của Đảng, chính sách pháp luật của Nhà nước về lĩnh vực công tác dân tộc; các mục "
                "tin, bài được cập nhật thường xuyên, phản ánh trung thực, kịp thời và sinh động các "
                "mặt hoạt động chỉ đạo, điều hành của lãnh đạo Ban."
            ),
            Bullet(
                "Kết quả cung cấp dịch vụ công trực tuyến: Đã triển khai cung cấp, thực hiện tiếp nhận, "
                "xử lý 37/37 thủ tục hành chính dịch vụ công trực tuyến thuộc các lĩnh vực công tác dân tộc."
            ),
            Bullet(
                "Công tác phòng ngừa, ứng phó sự cố hệ thống thông tin: Ban Dân tộc tỉnh đã cài đặt "
                "phần mềm phòng, chống mã độc cho 16/16 máy tính trong cơ quan theo đúng quy định."
            ),
            Section("III", "Một số tồn tại, hạn chế, khó khăn"),
            Bullet(
                "Công chức phụ trách công nghệ thông tin của Ban Dân tộc tỉnh thực hiện kiêm nhiệm, "
                "không có chuyên môn về công nghệ thông tin nên gặp khó khăn nhất định khi triển khai "
                "nhiệm vụ."
            ),
            Bullet(
                "Nguồn lực ứng dụng công nghệ thông tin còn hạn chế; nhiều máy tính của Ban đã xuống "
                "cấp, hết khấu hao, cấu hình thấp; hệ thống mạng nội bộ được lắp đặt trên 15 năm đến "
                "nay đã xuống cấp, thường xuyên mất kết nối."
            ),
            Bullet(
                "Năng lực khai thác và sử dụng các ứng dụng công nghệ thông tin của một số công chức "
                "còn hạn chế."
            ),
            Section("IV", "Định hướng nhiệm vụ, giải pháp"),
            Paragraph(
                "Tiếp tục bồi dưỡng nâng cao năng lực cho công chức cơ quan trong việc ứng dụng công "
                "nghệ thông tin phục vụ cho yêu cầu quản lý, thực hiện nhiệm vụ cơ quan; cụ thể:"
            ),
            Table(
                header=[
                    "STT",
                    "Nội dung nhiệm vụ",
                    "Cơ quan chủ trì",
                    "Cơ quan phối hợp",
                    "Thời gian hoàn thành",
                ],
                rows=[
                    [
                        "1",
                        "Bồi dưỡng kỹ năng số, an toàn thông tin cho công chức",
                        "Văn phòng Ban",
                        "Sở Thông tin và Truyền thông",
                        "Quý IV/2023",
                    ],
                    [
                        "2",
                        "Thay thế máy tính hết khấu hao phục vụ chuyển đổi số",
                        "Văn phòng Ban",
                        "Sở Tài chính",
                        "Năm 2024",
                    ],
                    ["3", "Nâng cấp hệ thống mạng nội bộ của cơ quan", "Văn phòng Ban", "", "Năm 2024"],
                ],
                widths=[1.2, 6, 3.2, 3.2, 2.6],
                align=["center", "left", "left", "left", "center"],
            ),
            Section("V", "Các kiến nghị, đề xuất"),
            Paragraph(
                "Ban Dân tộc tỉnh kính đề nghị Sở Thông tin và Truyền thông có kế hoạch bồi dưỡng, tập "
                "huấn nhằm nâng cao kỹ năng ứng dụng công nghệ thông tin, chuyển đổi số cho cán bộ, "
                "công chức; tham mưu UBND tỉnh bố trí kinh phí trang bị mới máy tính để triển khai hoạt "
                "động chuyển đổi số tại Ban Dân tộc tỉnh."
            ),
            Paragraph(
                "Trên đây là nội dung báo cáo kết quả ứng dụng công nghệ thông tin của Ban Dân tộc tỉnh "
                "Quý III năm 2023, Ban Dân tộc tỉnh báo cáo Sở Thông tin và Truyền thông tổng hợp./."
            ),
        ],
        signature=SignatureBlock(
            authority="KT.",
            collective_or_head_title="Trưởng ban",
            signer_title="Phó Trưởng ban",
            signer_name="Trần Minh Quang",
        ),
        cc=["Sở Thông tin và Truyền thông", "Lãnh đạo Ban"],
        archive_line="Lưu: VT, VP",
    )


def sample_official_letter() -> OfficialDocument:
    """UBND xã Sơn Giang: an urgent, unnumbered draft Công văn to several agencies."""
    return OfficialDocument(
        parent_agency_name="",
        issuing_agency_name="Ủy ban nhân dân xã Sơn Giang",
        number=None,
        notation="UBND-VP",
        place="Sơn Giang",
        issued_on=None,
        draft_year=2024,
        type_name=None,
        subject="cung cấp số liệu chấm điểm chỉ số chuyển đổi số năm 2023",
        urgency="KHẨN",
        recipients_to=["Văn phòng HĐND và UBND xã", "Trạm Y tế xã", "Trường Tiểu học Sơn Giang"],
        body=[
            Paragraph(
                "Để kịp thời tổng hợp số liệu phục vụ chấm điểm chỉ số chuyển đổi số (DTI) năm 2023, "
                "Ủy ban nhân dân xã đề nghị các cơ quan, đơn vị cung cấp số liệu theo biểu mẫu kèm "
                "theo, gửi về Văn phòng HĐND và UBND xã trước ngày 15/01/2024."
            ),
            Paragraph("Đề nghị các cơ quan, đơn vị quan tâm phối hợp thực hiện./."),
        ],
        signature=SignatureBlock(
            authority="TM.",
            collective_or_head_title="Ủy ban nhân dân",
            signer_title="Phó Chủ tịch",
            signer_name="Lê Thị Hoa",
            deputy_for="Chủ tịch",
        ),
        cc=["Như trên", "Chủ tịch, các PCT UBND xã"],
        archive_line="Lưu: VT, VP",
        drafter_code="NTH",
        copies=6,
        footer=[
            "Địa chỉ: thôn Hà Thành, xã Sơn Giang, tỉnh Sơn Hà",
            "Điện thoại: 0255 3 123 456 - Thư điện tử: sgiang@sonha.gov.vn",
        ],
    )
