-- Evaluates many display filters in one tshark pass: one tap listener per filter (a listener's filter
-- is a display filter, evaluated on the dissection tshark -2 -Y uses). Prints, at the end, one line per
-- filter: "<index>\t<frame numbers, comma-separated>" or "<index>\tERR" when tshark rejects the filter.
--   tshark -2 -n -r F -q -X lua_script:scripts/tshark-multi-filter.lua -X lua_script1:FILTERS_FILE
local path = ({...})[1]
local filters = {}
for line in io.lines(path) do filters[#filters + 1] = line end
local hits = {}
for i, f in ipairs(filters) do
  local ok, l = pcall(Listener.new, nil, f)
  if ok then
    local h = {}
    hits[i] = h
    l.packet = function(pinfo) h[#h + 1] = pinfo.number end
  else
    hits[i] = false
  end
end
local done = Listener.new(nil, nil)
function done.draw()
  for i = 1, #filters do
    if hits[i] == false then io.write(i, "\tERR\n") else io.write(i, "\t", table.concat(hits[i], ","), "\n") end
  end
end
