Feature: Uploading files
  Signed-in people upload photos, documents, songs and videos. What a file is, is decided by
  its bytes, never by its name or by what the sender says it is. Photos are cleaned on the
  way in: the metadata cameras and phones add (the place a photo was taken included) is
  removed, and the photo is turned the way it was meant to be seen. Other files are kept
  exactly as sent.

  Background:
    Given a verified customer "ana@example.com"
    And she is signed in

  Scenario: A customer uploads a photo
    When she uploads a photo "holiday.png"
    Then the request succeeds
    And the returned file is "holiday.png" of type "image/png"
    And the returned file is 40 by 20 pixels
    And the returned file belongs to "ana@example.com"

  Scenario: A photo sent as text is still a photo
    When she uploads a photo "holiday.png" declared as "text/plain"
    Then the request succeeds
    And the returned file is "holiday.png" of type "image/png"

  Scenario: The place a photo was taken is removed
    When she uploads a photo taken with its location "beach.jpg"
    Then the request succeeds
    And the returned file is "beach.jpg" of type "image/jpeg"
    When she downloads the file "beach.jpg"
    Then the request succeeds
    And the downloaded photo carries no location

  Scenario: A document is kept exactly as sent
    When she uploads a PDF "terms.pdf"
    Then the request succeeds
    And the returned file is "terms.pdf" of type "application/pdf"
    And the returned file has no size in pixels
    When she downloads the file "terms.pdf"
    Then the downloaded bytes are the file "terms.pdf" as uploaded

  Scenario: Songs and videos are welcome
    When she uploads a song "theme.mp3"
    Then the returned file is "theme.mp3" of type "audio/mpeg"
    When she uploads a video "clip.webm"
    Then the returned file is "clip.webm" of type "video/webm"

  Scenario: A name from another script is kept for the download
    When she uploads a PDF "Übersicht 写真.pdf"
    Then the request succeeds
    And the returned file is "Übersicht 写真.pdf" of type "application/pdf"

  Scenario: Only signed-in people upload
    When an anonymous visitor uploads a photo "holiday.png"
    Then the request is refused as unauthorized
