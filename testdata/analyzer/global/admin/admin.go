package admin // want package:"writes stats.Region"

import "example.com/global/stats"

// Move moves the service to another region, at any time.
func Move(region string) { // want Move:"reaches stats.Region\\(w\\)"
	stats.Region = region
}
