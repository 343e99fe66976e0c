"""Files the app ships (the demo shop, icons, third-party licences): a package so that the wheel carries them."""
