//! Previews of images, made when they are uploaded.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// A decoded image's size and its preview.
pub struct Thumbnail {
    /// The image's size as shown (after its EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// Longest side decoded, whatever the pixel cap.
const MAX_SIDE: u32 = 12_000;
/// Decoder memory per pixel at most (16-bit RGBA), for the allocation cap.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Decodes an image and makes a preview that fits in `max_px` × `max_px`:
/// JPEG for photos, PNG for everything else (keeping transparency). None
/// when the bytes are not an image this server can decode safely: a small
/// file that claims more than `max_pixels` (a "decompression bomb") is
/// turned away from its header, before any pixel buffer exists.
/// CPU-bound: run it on a blocking thread, through the thumbnail pool.
pub fn make(bytes: &[u8], max_px: u32, max_pixels: u64) -> Option<Thumbnail> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
    reader.limits(limits);
    let format = reader.format()?;
    let mut decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        return None;
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let (width, height) = (image.width(), image.height());
    let preview = if width > max_px || height > max_px {
        image.thumbnail(max_px, max_px)
    } else {
        image
    };
    let mut out = Cursor::new(Vec::new());
    let content_type = if format == image::ImageFormat::Jpeg {
        let encoder = JpegEncoder::new_with_quality(&mut out, 80);
        preview.to_rgb8().write_with_encoder(encoder).ok()?;
        "image/jpeg"
    } else {
        preview.write_to(&mut out, image::ImageFormat::Png).ok()?;
        "image/png"
    };
    Some(Thumbnail {
        width,
        height,
        bytes: out.into_inner(),
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_PIXELS: u64 = 32_000_000;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 128]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn previews_fit_the_box_and_keep_the_aspect_ratio() {
        let thumb = make(&png(1000, 500), 400, MAX_PIXELS).expect("a thumbnail");
        assert_eq!((thumb.width, thumb.height), (1000, 500));
        let preview = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!((preview.width(), preview.height()), (400, 200));
        assert_eq!(thumb.content_type, "image/png");
    }

    #[test]
    fn small_images_are_not_enlarged() {
        let thumb = make(&png(40, 30), 400, MAX_PIXELS).unwrap();
        let preview = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!((preview.width(), preview.height()), (40, 30));
    }

    #[test]
    fn garbage_and_bombs_give_no_thumbnail() {
        assert!(make(b"not an image at all", 400, MAX_PIXELS).is_none());
        // A valid PNG header that claims 100,000 × 100,000 pixels.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(make(&bomb, 400, MAX_PIXELS).is_none());
    }

    #[test]
    fn images_over_the_pixel_cap_give_no_thumbnail() {
        let image = png(300, 200);
        assert!(make(&image, 400, 300 * 200).is_some());
        assert!(make(&image, 400, 300 * 200 - 1).is_none());
    }
}
