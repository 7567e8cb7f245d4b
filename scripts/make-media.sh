#!/usr/bin/env bash
# Regenerates the small sample media committed under e2e/media and demo/media.
# Needs Debian's ffmpeg. The files are committed, so nobody has to run this to test.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p e2e/media demo/media
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# A test pattern with a burnt-in running clock, so a screenshot shows the position.
video() { # seconds size fps
  echo "testsrc2=duration=$1:size=$2:rate=$3"
}

# e2e fixtures: short, tiny, fast to play at 16x.
ff -f lavfi -i "$(video 4 96x54 10)" -f lavfi -i "sine=frequency=440:duration=4" \
   -c:v libvpx -b:v 40k -c:a libopus -b:a 16k -shortest e2e/media/clip-4s.webm
ff -f lavfi -i "$(video 4 96x54 10)" -f lavfi -i "sine=frequency=440:duration=4" \
   -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 40k -c:a aac -b:a 24k -shortest \
   -movflags +faststart e2e/media/clip-4s.mp4
ff -f lavfi -i "$(video 1 96x54 10)" -c:v libvpx -b:v 40k e2e/media/clip-1s.webm
ff -f lavfi -i "$(video 8 96x54 10)" -c:v libvpx -b:v 30k e2e/media/clip-8s.webm
ff -f lavfi -i "$(video 60 64x36 2)" -c:v libvpx -b:v 10k e2e/media/clip-60s.webm
ff -f lavfi -i "sine=frequency=330:duration=4" -ac 1 -ar 8000 -c:a pcm_u8 e2e/media/tone-4s.wav
# An HLS stream for hls-video-element (issue 25): 4 s in four 1 s segments. Video only and
# without B-frames, so its first frame is at 0: an AAC track's priming, or the delay of
# B-frames, leaves a gap at the start that hls.js seeks over, and that part is never played.
# Segments are .m2ts, as .ts would be read as TypeScript by the type-check.
mkdir -p e2e/media/hls
ff -f lavfi -i "$(video 4 96x54 10)" \
   -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 40k -bf 0 -g 10 -keyint_min 10 -sc_threshold 0 \
   -f hls -hls_time 1 -hls_playlist_type vod \
   -hls_segment_filename e2e/media/hls/clip-4s-%d.m2ts e2e/media/hls/clip-4s.m3u8

# The media matrix (issue 18): lengths and formats as sites have them, never whole seconds.
# 6.008 s is a length ffmpeg and browser recorders often write, and one where a whole play
# once reported 99% (6.008 * 100 / 6.008 rounds down to 99): VP9, at 125 fps so that the
# last frame ends at exactly 6.008 s (Opus audio would pad it to 6.016 s).
ff -f lavfi -i "testsrc2=duration=6.008:size=96x54:rate=125" -c:v libvpx-vp9 -b:v 40k -row-mt 1 e2e/media/vp9-6008ms.webm
# VP8 and Vorbis at film rate, 23.976 fps: 177 frames are 7.382 s.
ff -f lavfi -i "testsrc2=size=96x54:rate=24000/1001" -f lavfi -i "sine=frequency=550:duration=7.38" \
   -frames:v 177 -c:v libvpx -b:v 40k -c:a libvorbis -q:a 0 e2e/media/vp8-23976fps.webm
# H.264 and AAC in MP4, about 5.5 s (AAC's priming makes the file's length odder still).
ff -f lavfi -i "testsrc2=duration=5.523:size=96x54:rate=30" -f lavfi -i "sine=frequency=440:duration=5.523" \
   -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 40k -c:a aac -b:a 24k -movflags +faststart e2e/media/h264-aac.mp4
# Audio only: an MP3 of about 4.4 s and an AAC .m4a of about 3.8 s.
ff -f lavfi -i "sine=frequency=330:duration=4.37" -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k e2e/media/tone.mp3
ff -f lavfi -i "sine=frequency=392:duration=3.83" -ac 1 -ar 22050 -c:a aac -b:a 24k -movflags +faststart e2e/media/tone.m4a

# demo media: a "webinar", a "podcast" and a background loop, all local.
ff -f lavfi -i "$(video 24 320x180 12)" -f lavfi -i "sine=frequency=220:duration=24" \
   -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 30k -c:a aac -b:a 12k -shortest \
   -movflags +faststart demo/media/webinar.mp4
ff -f lavfi -i "sine=frequency=262:duration=20" -ac 1 -ar 8000 -c:a pcm_u8 demo/media/podcast.wav
ff -f lavfi -i "$(video 12 320x180 12)" -c:v libvpx -b:v 40k demo/media/product-demo.webm
ff -f lavfi -i "mandelbrot=size=160x90:rate=8" -t 6 -c:v libvpx -b:v 30k demo/media/hero-loop.webm
ls -l e2e/media demo/media
