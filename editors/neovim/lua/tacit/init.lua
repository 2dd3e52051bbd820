-- Tacit for Neovim: a thin shim over `tacit serve`. See :help tacit.
local config = require('tacit.config')

local M = {}

-- Optional: validates `opts` against the schema in tacit.config (unknown
-- options and wrong types are reported and ignored).
function M.setup(opts)
  config.setup(opts)
  if config.values.auto_attach then
    M.auto_attach_all()
  end
end

-- Attaches `buf` (0: the current buffer) to the server of its repository.
-- Returns the client id, or nil and why not.
function M.attach(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  return require('tacit.lsp').attach(buf)
end

-- From the autocommands in plugin/tacit.lua: attach when the option allows.
function M.auto_attach(buf)
  if config.values.auto_attach then
    M.attach(buf)
  end
end

function M.auto_attach_all()
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      M.auto_attach(buf)
    end
  end
end

-- Asks the server again for what `buf` shows (threads, lenses).
function M.refresh(buf)
  require('tacit.ui').refresh((buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf)
end

-- What Tacit knows of `buf`: threads, generation (bumped after each redraw,
-- with the User TacitUpdate autocommand), error.
function M.state(buf)
  return require('tacit.ui').state(buf)
end

return M
