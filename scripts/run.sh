#!/usr/bin/env bash
# Starts the background worker and the web server together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PY manage.py db_worker --interval 0.5 >var/worker.log 2>&1 &
WORKER=$!
# Uploaded files are read on a queue of their own, so a heavy one never holds up the rest.
$PY manage.py db_worker --queue-name files --interval 0.5 >var/worker-files.log 2>&1 &
FILES_WORKER=$!
# QR check-ins are acknowledged on arrival and applied in batches by this drain.
$PY manage.py drain_checkins >var/worker-checkins.log 2>&1 &
CHECKINS_WORKER=$!
# So are learning-report submissions (the version, copy detection, the counters).
$PY manage.py drain_submissions >var/worker-submissions.log 2>&1 &
SUBMISSIONS_WORKER=$!
trap 'kill $WORKER $FILES_WORKER $CHECKINS_WORKER $SUBMISSIONS_WORKER 2>/dev/null || true' EXIT INT TERM

cat <<INFO

  nghiquyet đang chạy:  http://$HOST:$PORT/
  Nhật ký tác vụ nền:   var/worker.log, var/worker-files.log (đọc tệp tải lên),
                        var/worker-checkins.log (ghi nhận điểm danh bằng mã QR)
                        var/worker-submissions.log (ghi nhận bài thu hoạch)

  Tài khoản thử (mật khẩu: demo12345)
    admin           quản trị hệ thống (mọi việc, /admin/)
    vanphong        văn phòng Thành ủy (đơn vị, đảng viên, văn bản, hội nghị, chương trình, kế hoạch kiểm tra, báo cáo)
    tuyengiao       tuyên giáo Thành ủy (đăng ký văn bản, đợt học tập, hội nghị, chấm và xác nhận bài, tin bài, báo cáo)
    kiemtra         kiểm tra Thành ủy (xem toàn bộ, nhật ký, lập kế hoạch và kết luận kiểm tra)
    bithu           cấp ủy một đảng bộ phường (hội nghị, chấm bài, xác nhận kết quả, nhắc nộp bài, kiểm tra)
    vanphong_co_so  văn phòng đảng ủy phường (lên lịch hội nghị, điểm cầu, điểm danh, nhập bài hộ, kế hoạch kiểm tra)
    bithu_chibo     bí thư chi bộ (điểm danh đảng viên của chi bộ, chấm bài, nhắc nộp bài)
    chambai         người chấm bài thu hoạch của đảng bộ phường (chỉ chấm bài)
    dangvien        một đảng viên (việc của mình: văn bản, điểm danh, bài thu hoạch, thông báo)

  Đầy đủ: docs/roles.md, hoặc trang /accounts/roles/ (quản trị, văn phòng).

INFO
# DEBUG stays as .env says (off unless a developer turns it on); --insecure serves static/.
$PY manage.py runserver --insecure "$HOST:$PORT"
