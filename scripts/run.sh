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
trap 'kill $WORKER $FILES_WORKER 2>/dev/null || true' EXIT INT TERM

cat <<INFO

  nghiquyet đang chạy:  http://$HOST:$PORT/
  Nhật ký tác vụ nền:   var/worker.log, var/worker-files.log (đọc tệp tải lên)

  Tài khoản thử (mật khẩu: demo12345)
    admin           quản trị hệ thống (superuser, /admin/)
    vanphong        văn phòng Thành ủy (quản lý tổ chức, đảng viên, nhập danh sách)
    tuyengiao       tuyên giáo Thành ủy (xem)
    kiemtra         kiểm tra Thành ủy (xem, lịch sử thay đổi)
    bithu           cấp ủy một đảng bộ cơ sở (chấm bài, xác nhận kết quả chi bộ, nhắc nộp bài)
    vanphong_co_so  văn phòng một đảng bộ cơ sở
    dangvien        một đảng viên (việc của mình: văn bản, bài thu hoạch, thông báo)

INFO
# DEBUG stays as .env says (off unless a developer turns it on); --insecure serves static/.
$PY manage.py runserver --insecure "$HOST:$PORT"
