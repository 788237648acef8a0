Feature: Files that are refused
  Only photos (PNG, JPEG, GIF, WebP), PDFs, MP3 songs and MP4 or WebM videos are kept. Web
  pages and drawings are refused whatever they are called, because a browser would run what
  they hold. An empty file, a file over the size limit and a photo too big to open are
  refused too, and a refused file leaves nothing behind.

  Background:
    Given a verified customer "ana@example.com"
    And she is signed in

  Scenario: A web page named like a photo is refused
    When she uploads a web page "cute-cat.png"
    Then the request is refused as invalid with a problem on "file"
    And no stored object is left without its file

  Scenario: A drawing is refused
    When she uploads an SVG drawing "logo.svg"
    Then the request is refused as invalid with a problem on "file"

  Scenario: An empty file is refused
    When she uploads an empty file "nothing.pdf"
    Then the request is refused as invalid with the message "The file is empty"

  Scenario: A file over the size limit is refused
    When she uploads a PDF one byte over the size limit "huge.pdf"
    Then the request is refused as too large
    And no stored object is left without its file
    And she has 0 files

  Scenario: A photo with too many pixels to open is refused
    When she uploads a photo of too many pixels "bomb.png"
    Then the request is refused as invalid with a problem on "file"
    And she has 0 files

  Scenario: Nothing is kept while the file storage is down
    Given the file storage is down
    When she uploads a PDF "terms.pdf"
    Then the request is refused as unavailable
    When the file storage is back
    Then no stored object is left without its file
    And she has 0 files
